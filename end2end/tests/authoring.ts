import fs from 'node:fs';
import path from 'node:path';

const samFile = () => fs.readFileSync(path.resolve(__dirname, '../../studies/sam.toml'), 'utf8');

/** A copy of Sam under a slug and a title of its own (the other tests find Sam by its title), with a variant of the vignette and every order of the
 * situations; not open until 2099, so the start page of the other tests is unchanged. */
export function copyOfSam(slug: string, schedule = 'open_from = 2099-01-01'): string {
  return (
    samFile()
      .replace('slug = "sam"', `slug = "${slug}"`)
      .replace('title = "Recovery and positive risk-taking: the Sam study"', `title = "Sam, adapted (${slug})"`)
      .replace('design = "fixed"', 'design = "all-orders"')
      .replace(/title = "Situation \d of 3: /g, 'title = "') +
    `\n[schedule]\n${schedule}\n` +
    '\n[[variants]]\nid = "they"\nlabel = "Sam described as they"\n' +
    '\n[[variants]]\nid = "she"\nlabel = "Sam described as she"\n[variants.pages.sam]\n' +
    'body = "Sam is in her late twenties. She hopes to train as a chef."\n'
  );
}

/** The same copy with a mistake on a known line: a text answer limited to no characters. */
export function copyWithMistake(slug: string): { text: string; line: number } {
  const text = copyOfSam(slug).replace('id = "r1"\n', 'id = "r1"\nmax_chars = 0\n');
  const line = text.slice(0, text.indexOf('max_chars = 0')).split('\n').length;
  return { text, line };
}
