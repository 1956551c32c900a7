//! QR codes, drawn on the server as SVG: an authenticator app's key, a workshop's join address.

/// The QR code of `text` as an SVG image (empty should `text` be too long for one).
pub fn qr_code_svg(text: &str) -> String {
    qrcode::QrCode::new(text.as_bytes())
        .map(|code| {
            code.render::<qrcode::render::svg::Color>()
                .min_dimensions(200, 200)
                .quiet_zone(true)
                .build()
        })
        .unwrap_or_default()
}
