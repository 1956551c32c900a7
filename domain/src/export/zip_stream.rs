//! A streaming zip writer for exports: Stored (uncompressed) entries only, each entry's CRC-32
//! and size given or computed before its local header, so no data descriptors are needed. Until
//! the central directory is written at the end it keeps a few dozen bytes per entry: the value
//! its name derives from, CRC-32, size and offset. ZIP64 records are written where the classic
//! fields overflow: 65,535 or more entries, or an offset or size of u32::MAX or more.

use std::fmt::Display;
use std::io::{self, Write};

const LOCAL_HEADER: u32 = 0x0403_4b50;
const CENTRAL_HEADER: u32 = 0x0201_4b50;
const ZIP64_END: u32 = 0x0606_4b50;
const ZIP64_LOCATOR: u32 = 0x0706_4b50;
const END: u32 = 0x0605_4b50;
const ZIP64_EXTRA: u16 = 0x0001;
/// Bit 11: the name is UTF-8.
const UTF8_NAMES: u16 = 0x0800;
const STORED: u16 = 0;
const VERSION_STORED: u16 = 20;
const VERSION_ZIP64: u16 = 45;
/// Made on Unix, so extractors apply the file mode in the external attributes.
const MADE_ON_UNIX: u16 = 3 << 8;
const FILE_MODE: u32 = 0o100_644 << 16;
/// 1 January 1980, 00:00 (MS-DOS date and time): a fixed time keeps re-exports byte-identical.
const DOS_DATE: u16 = (1 << 5) | 1;
const DOS_TIME: u16 = 0;
const U16_FULL: u16 = u16::MAX;
const U32_FULL: u32 = u32::MAX;

/// What is kept of one entry until the central directory.
struct Entry<N> {
    name: N,
    crc32: u32,
    size: u64,
    offset: u64,
}

impl<N> Entry<N> {
    fn size_needs_zip64(&self) -> bool {
        self.size >= u64::from(U32_FULL)
    }

    fn offset_needs_zip64(&self) -> bool {
        self.offset >= u64::from(U32_FULL)
    }

    fn needs_zip64(&self) -> bool {
        self.size_needs_zip64() || self.offset_needs_zip64()
    }

    fn version_needed(&self) -> u16 {
        if self.needs_zip64() {
            VERSION_ZIP64
        } else {
            VERSION_STORED
        }
    }
}

/// The entry whose data is being written: what is left to come, and the CRC-32 so far.
struct Open {
    remaining: u64,
    declared_crc32: u32,
    crc32: crc32fast::Hasher,
}

/// Writes a zip file to `out` as it goes. `N` is what an entry's name is made from (shown with
/// `Display`); a small `N`, such as a GUID, keeps memory low when there are many entries.
pub struct ZipStream<W: Write, N: Display> {
    out: W,
    written: u64,
    entries: Vec<Entry<N>>,
    open: Option<Open>,
}

impl<W: Write, N: Display> ZipStream<W, N> {
    pub fn new(out: W) -> Self {
        Self {
            out,
            written: 0,
            entries: Vec::new(),
            open: None,
        }
    }

    /// Where the bytes go, so the caller can hand them on as they are written.
    pub fn get_mut(&mut self) -> &mut W {
        &mut self.out
    }

    /// Writes one entry whose bytes are all at hand.
    pub fn add(&mut self, name: N, data: &[u8]) -> io::Result<()> {
        self.start(name, crc32fast::hash(data), data.len() as u64)?;
        self.write_data(data)
    }

    /// Starts an entry whose CRC-32 and size are known; `write_data` must then supply exactly
    /// those bytes before the next entry starts or the zip is finished.
    pub fn start(&mut self, name: N, crc32: u32, size: u64) -> io::Result<()> {
        self.close_entry()?;
        let entry = Entry {
            name,
            crc32,
            size,
            offset: self.written,
        };
        self.emit(&local_header(&entry))?;
        self.open = Some(Open {
            remaining: size,
            declared_crc32: crc32,
            crc32: crc32fast::Hasher::new(),
        });
        self.entries.push(entry);
        Ok(())
    }

    pub fn write_data(&mut self, bytes: &[u8]) -> io::Result<()> {
        let open = self
            .open
            .as_mut()
            .ok_or_else(|| invalid("zip data written outside an entry"))?;
        open.remaining = open
            .remaining
            .checked_sub(bytes.len() as u64)
            .ok_or_else(|| invalid("more zip data than the entry's declared size"))?;
        open.crc32.update(bytes);
        self.emit(bytes)
    }

    /// Writes the central directory and the end records, and returns the output.
    pub fn finish(mut self) -> io::Result<W> {
        self.close_entry()?;
        let offset = self.written;
        let entries = std::mem::take(&mut self.entries);
        for entry in &entries {
            self.emit(&central_header(entry))?;
        }
        let directory = Directory {
            entries: entries.len() as u64,
            offset,
            size: self.written - offset,
        };
        self.emit(&end_records(&directory, self.written))?;
        self.out.flush()?;
        Ok(self.out)
    }

    fn close_entry(&mut self) -> io::Result<()> {
        let Some(open) = self.open.take() else {
            return Ok(());
        };
        if open.remaining != 0 {
            return Err(invalid("zip entry ended before its declared size"));
        }
        if open.crc32.finalize() != open.declared_crc32 {
            return Err(invalid(
                "zip entry's data does not match its declared CRC-32",
            ));
        }
        Ok(())
    }

    fn emit(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.out.write_all(bytes)?;
        self.written += bytes.len() as u64;
        Ok(())
    }
}

fn invalid(message: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message.to_owned())
}

/// Little-endian fields appended to a header.
trait Fields {
    fn u16(&mut self, value: u16) -> &mut Self;
    fn u32(&mut self, value: u32) -> &mut Self;
    fn u64(&mut self, value: u64) -> &mut Self;
}

impl Fields for Vec<u8> {
    fn u16(&mut self, value: u16) -> &mut Self {
        self.extend_from_slice(&value.to_le_bytes());
        self
    }

    fn u32(&mut self, value: u32) -> &mut Self {
        self.extend_from_slice(&value.to_le_bytes());
        self
    }

    fn u64(&mut self, value: u64) -> &mut Self {
        self.extend_from_slice(&value.to_le_bytes());
        self
    }
}

/// A 32-bit field, or the ZIP64 marker when the value is in the ZIP64 extra field instead.
fn u32_or_marker(value: u64) -> u32 {
    u32::try_from(value)
        .ok()
        .filter(|v| *v != U32_FULL)
        .unwrap_or(U32_FULL)
}

/// The entry's name, written into room for a typical name at once rather than grown.
fn name_of<N: Display>(entry: &Entry<N>) -> String {
    use std::fmt::Write as _;
    let mut name = String::with_capacity(64);
    write!(name, "{}", entry.name).expect("a name written to a String");
    name
}

fn local_header<N: Display>(entry: &Entry<N>) -> Vec<u8> {
    let name = name_of(entry);
    // The local header's ZIP64 field holds both sizes, and only when they overflow.
    let extra = if entry.size_needs_zip64() {
        zip64_extra(&[entry.size, entry.size])
    } else {
        Vec::new()
    };
    let mut header = Vec::with_capacity(30 + name.len() + extra.len());
    header
        .u32(LOCAL_HEADER)
        .u16(entry.version_needed())
        .u16(UTF8_NAMES)
        .u16(STORED)
        .u16(DOS_TIME)
        .u16(DOS_DATE)
        .u32(entry.crc32)
        .u32(u32_or_marker(entry.size))
        .u32(u32_or_marker(entry.size))
        .u16(name_length(&name))
        .u16(extra.len() as u16);
    header.extend_from_slice(name.as_bytes());
    header.extend_from_slice(&extra);
    header
}

fn central_header<N: Display>(entry: &Entry<N>) -> Vec<u8> {
    let name = name_of(entry);
    let extra = zip64_extra(&central_zip64_fields(entry));
    let mut header = Vec::with_capacity(46 + name.len() + extra.len());
    header
        .u32(CENTRAL_HEADER)
        .u16(MADE_ON_UNIX | VERSION_ZIP64)
        .u16(entry.version_needed())
        .u16(UTF8_NAMES)
        .u16(STORED)
        .u16(DOS_TIME)
        .u16(DOS_DATE)
        .u32(entry.crc32)
        .u32(u32_or_marker(entry.size))
        .u32(u32_or_marker(entry.size))
        .u16(name_length(&name))
        .u16(extra.len() as u16)
        .u16(0) // comment length
        .u16(0) // disk number
        .u16(0) // internal attributes
        .u32(FILE_MODE)
        .u32(u32_or_marker(entry.offset));
    header.extend_from_slice(name.as_bytes());
    header.extend_from_slice(&extra);
    header
}

/// The central ZIP64 fields, in the order the format fixes: uncompressed size, compressed size,
/// local header offset, each present only when its classic field holds the marker.
fn central_zip64_fields<N>(entry: &Entry<N>) -> Vec<u64> {
    let mut fields = Vec::new();
    if entry.size_needs_zip64() {
        fields.extend([entry.size, entry.size]);
    }
    if entry.offset_needs_zip64() {
        fields.push(entry.offset);
    }
    fields
}

fn zip64_extra(fields: &[u64]) -> Vec<u8> {
    if fields.is_empty() {
        return Vec::new();
    }
    let mut extra = Vec::with_capacity(4 + 8 * fields.len());
    extra.u16(ZIP64_EXTRA).u16(8 * fields.len() as u16);
    for field in fields {
        extra.u64(*field);
    }
    extra
}

/// Entry names are short (a GUID and a folder); a longer one is a bug in the caller.
fn name_length(name: &str) -> u16 {
    u16::try_from(name.len()).expect("a zip entry name shorter than 64 KiB")
}

struct Directory {
    entries: u64,
    offset: u64,
    size: u64,
}

impl Directory {
    fn needs_zip64(&self) -> bool {
        self.entries >= u64::from(U16_FULL)
            || self.offset >= u64::from(U32_FULL)
            || self.size >= u64::from(U32_FULL)
    }
}

/// The end of central directory record, led by the ZIP64 end record and its locator when the
/// classic fields cannot hold the directory; `position` is where these records start.
fn end_records(directory: &Directory, position: u64) -> Vec<u8> {
    let mut records = Vec::with_capacity(22 + 56 + 20);
    if directory.needs_zip64() {
        records
            .u32(ZIP64_END)
            .u64(44) // size of the rest of this record
            .u16(MADE_ON_UNIX | VERSION_ZIP64)
            .u16(VERSION_ZIP64)
            .u32(0) // this disk
            .u32(0) // disk with the directory
            .u64(directory.entries)
            .u64(directory.entries)
            .u64(directory.size)
            .u64(directory.offset);
        records
            .u32(ZIP64_LOCATOR)
            .u32(0) // disk with the ZIP64 end record
            .u64(position)
            .u32(1); // disks in all
    }
    let entries = u16::try_from(directory.entries)
        .ok()
        .filter(|n| *n != U16_FULL)
        .unwrap_or(U16_FULL);
    records
        .u32(END)
        .u16(0) // this disk
        .u16(0) // disk with the directory
        .u16(entries)
        .u16(entries)
        .u32(u32_or_marker(directory.size))
        .u32(u32_or_marker(directory.offset))
        .u16(0); // comment length
    records
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Read};
    use std::process::Command;

    use super::{Directory, Entry, ZipStream, central_header, end_records, local_header};

    fn zip_of(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
        let mut zip = ZipStream::new(Vec::new());
        for (name, data) in entries {
            zip.add(name.clone(), data).unwrap();
        }
        zip.finish().unwrap()
    }

    /// Every entry as the `zip` crate reads it, CRC-32 checked on reading.
    fn read_with_zip_crate(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        (0..archive.len())
            .map(|i| {
                let mut file = archive.by_index(i).unwrap();
                let mut data = Vec::new();
                file.read_to_end(&mut data).unwrap();
                (file.name().to_owned(), data)
            })
            .collect()
    }

    /// Python's zipfile checks every CRC-32 (`testzip`) and prints the count, then the named
    /// entries' contents, one a line.
    fn read_with_python(bytes: &[u8], names: &[&str]) -> String {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("test.zip");
        std::fs::write(&path, bytes).unwrap();
        let script = "import sys, zipfile\n\
                      z = zipfile.ZipFile(sys.argv[1])\n\
                      assert z.testzip() is None\n\
                      out = sys.stdout.buffer\n\
                      out.write(b'%d\\n' % len(z.infolist()))\n\
                      for name in sys.argv[2:]: out.write(z.read(name) + b'\\n')";
        let output = Command::new("python3")
            .arg("-c")
            .arg(script)
            .arg(&path)
            .args(names)
            .output()
            .expect("python3 runs");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }

    /// `unzip -t` tests every entry; returns its report.
    fn test_with_unzip(bytes: &[u8]) -> String {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("test.zip");
        std::fs::write(&path, bytes).unwrap();
        let output = Command::new("unzip")
            .arg("-tq")
            .arg(&path)
            .output()
            .expect("unzip runs (Debian unzip)");
        let report = String::from_utf8_lossy(&output.stdout).into_owned();
        assert!(
            output.status.success(),
            "{report}{}",
            String::from_utf8_lossy(&output.stderr)
        );
        report
    }

    fn sample() -> Vec<(String, Vec<u8>)> {
        vec![
            ("project.qde".to_owned(), b"<Project/>\n".to_vec()),
            (
                "sources/a.txt".to_owned(),
                "Cooking 😀, ŵ ŷ, سام".as_bytes().to_vec(),
            ),
            ("sources/empty.txt".to_owned(), Vec::new()),
        ]
    }

    #[test]
    fn the_zip_crate_python_and_unzip_read_back_what_was_written() {
        let bytes = zip_of(&sample());
        assert_eq!(read_with_zip_crate(&bytes), sample());
        assert_eq!(
            read_with_python(&bytes, &["sources/a.txt", "project.qde"]),
            "3\nCooking 😀, ŵ ŷ, سام\n<Project/>\n\n"
        );
        assert!(test_with_unzip(&bytes).contains("No errors detected"));
        assert_eq!(bytes, zip_of(&sample()), "the same bytes every time");
    }

    #[test]
    fn an_empty_zip_is_still_a_zip() {
        let bytes = zip_of(&[]);
        assert!(read_with_zip_crate(&bytes).is_empty());
        assert_eq!(read_with_python(&bytes, &[]), "0\n");
    }

    #[test]
    fn an_entry_may_be_written_in_pieces_after_its_crc_and_size() {
        let mut zip = ZipStream::new(Vec::new());
        let whole = b"opening, middle, closing";
        zip.start("project.qde", crc32fast::hash(whole), whole.len() as u64)
            .unwrap();
        for piece in [&whole[..9], &whole[9..17], &whole[17..]] {
            zip.write_data(piece).unwrap();
        }
        let bytes = zip.finish().unwrap();
        let entries = read_with_zip_crate(&bytes);
        assert_eq!(entries, [("project.qde".to_owned(), whole.to_vec())]);
    }

    #[test]
    fn data_that_differs_from_the_declared_size_or_crc_is_refused() {
        let mut zip = ZipStream::new(Vec::new());
        zip.start("a", crc32fast::hash(b"abc"), 3).unwrap();
        assert!(zip.write_data(b"abcd").is_err(), "too long");
        let mut zip = ZipStream::new(Vec::new());
        zip.start("a", crc32fast::hash(b"abc"), 3).unwrap();
        zip.write_data(b"ab").unwrap();
        assert!(zip.finish().is_err(), "too short");
        let mut zip = ZipStream::new(Vec::new());
        zip.start("a", crc32fast::hash(b"abc"), 3).unwrap();
        zip.write_data(b"abd").unwrap();
        assert!(zip.start("b", 0, 0).is_err(), "wrong CRC-32");
    }

    #[test]
    fn seventy_thousand_entries_get_zip64_end_records_that_all_readers_follow() {
        let count = 70_000;
        let mut zip = ZipStream::new(Vec::new());
        for i in 0..count {
            zip.add(format!("sources/{i}.txt"), i.to_string().as_bytes())
                .unwrap();
        }
        let bytes = zip.finish().unwrap();
        let zip64_end = 0x0606_4b50_u32.to_le_bytes();
        assert!(bytes.windows(4).any(|w| w == zip64_end));
        let entries = read_with_zip_crate(&bytes);
        assert_eq!(entries.len(), count);
        assert_eq!(
            entries[69_999],
            ("sources/69999.txt".to_owned(), b"69999".to_vec())
        );
        assert_eq!(
            read_with_python(&bytes, &["sources/0.txt", "sources/69999.txt"]),
            "70000\n0\n69999\n"
        );
        assert!(test_with_unzip(&bytes).contains("No errors detected"));
    }

    fn u16_at(bytes: &[u8], at: usize) -> u16 {
        u16::from_le_bytes(bytes[at..at + 2].try_into().unwrap())
    }

    fn u32_at(bytes: &[u8], at: usize) -> u32 {
        u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap())
    }

    fn u64_at(bytes: &[u8], at: usize) -> u64 {
        u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap())
    }

    // Entries of 4 GiB and more are not written here (too slow for a unit test); their headers
    // are checked field by field against APPNOTE 4.3.7, 4.3.12 and 4.5.3.
    #[test]
    fn sizes_and_offsets_past_u32_go_into_zip64_extra_fields() {
        let big = Entry {
            name: "big.txt",
            crc32: 7,
            size: 5 << 30,
            offset: 6 << 30,
        };
        let local = local_header(&big);
        assert_eq!(u16_at(&local, 4), 45, "version needed");
        assert_eq!(
            (u32_at(&local, 18), u32_at(&local, 22)),
            (u32::MAX, u32::MAX)
        );
        let extra = &local[30 + 7..];
        assert_eq!((u16_at(extra, 0), u16_at(extra, 2)), (1, 16));
        assert_eq!((u64_at(extra, 4), u64_at(extra, 12)), (5 << 30, 5 << 30));

        let central = central_header(&big);
        assert_eq!(u32_at(&central, 42), u32::MAX, "offset in the extra field");
        let extra = &central[46 + 7..];
        assert_eq!((u16_at(extra, 0), u16_at(extra, 2)), (1, 24));
        let fields = [u64_at(extra, 4), u64_at(extra, 12), u64_at(extra, 20)];
        assert_eq!(fields, [5 << 30, 5 << 30, 6 << 30]);

        let far = Entry {
            name: "far.txt",
            crc32: 7,
            size: 10,
            offset: 6 << 30,
        };
        assert_eq!(
            local_header(&far).len(),
            30 + 7,
            "no local extra for an offset"
        );
        let central = central_header(&far);
        assert_eq!(u32_at(&central, 24), 10, "size stays in its classic field");
        assert_eq!(u64_at(&central[46 + 7..], 4), 6 << 30);
    }

    #[test]
    fn a_directory_past_u32_gets_zip64_end_records() {
        let directory = Directory {
            entries: 3,
            offset: 5 << 30,
            size: 200,
        };
        let records = end_records(&directory, (5 << 30) + 200);
        assert_eq!(records.len(), 56 + 20 + 22);
        assert_eq!(u32_at(&records, 0), 0x0606_4b50);
        assert_eq!(u64_at(&records, 48), 5 << 30, "directory offset");
        assert_eq!(u32_at(&records, 56), 0x0706_4b50);
        assert_eq!(
            u64_at(&records, 64),
            (5 << 30) + 200,
            "where the ZIP64 end record is"
        );
        let end = &records[76..];
        assert_eq!(u32_at(end, 0), 0x0605_4b50);
        assert_eq!(u16_at(end, 10), 3, "entries fit the classic field");
        assert_eq!(u32_at(end, 16), u32::MAX, "the offset does not");
    }
}
