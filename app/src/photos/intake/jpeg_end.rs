//! A JPEG file's structure, walked marker by marker: whether it reaches its end marker
//! (the JPEG decoder is lenient and paints the missing part of a truncated file grey; a
//! gig photo cut off half way is not evidence), and the file without its metadata.

use std::ops::Range;

/// Walks the marker segments from SOI to EOI, skipping each segment by its length and each
/// scan's entropy-coded data byte by byte, and hands each piece after SOI to `visit`: a
/// marker segment (its code; the range from its 0xFF to the end of its payload) or a
/// scan's entropy-coded data (code 0). Returns whether EOI was reached (EOI is visited).
/// Linear in the file's size and allocation-free. (An EOI inside an APP1 thumbnail does
/// not count: segments are skipped whole.)
fn walk(bytes: &[u8], mut visit: impl FnMut(u8, Range<usize>)) -> bool {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return false;
    }
    let mut at = 2;
    loop {
        // A marker: 0xFF, any number of 0xFF fill bytes, then the marker code.
        if bytes.get(at) != Some(&0xFF) {
            return false;
        }
        while bytes.get(at) == Some(&0xFF) {
            at += 1;
        }
        let Some(&code) = bytes.get(at) else {
            return false;
        };
        let start = at - 1;
        at += 1;
        match code {
            0xD9 => {
                visit(code, start..at);
                return true;
            }
            // Restart markers and TEM stand alone, without a length.
            0xD0..=0xD7 | 0x01 => {
                visit(code, start..at);
                continue;
            }
            _ => {}
        }
        let Some(length) = bytes.get(at..at + 2).map(|l| usize::from(u16::from_be_bytes([l[0], l[1]])))
        else {
            return false;
        };
        if length < 2 || at + length > bytes.len() {
            return false;
        }
        at += length;
        visit(code, start..at);
        if code == 0xDA {
            // Entropy-coded data ends at the first 0xFF that is neither a stuffed 0x00
            // nor a restart marker.
            let data = at;
            loop {
                match (bytes.get(at), bytes.get(at + 1)) {
                    (Some(0xFF), Some(0x00 | 0xD0..=0xD7)) => at += 2,
                    (Some(0xFF), Some(_)) => break,
                    (Some(_), _) => at += 1,
                    (None, _) => return false,
                }
            }
            visit(0, data..at);
        }
    }
}

pub(super) fn is_complete(bytes: &[u8]) -> bool {
    walk(bytes, |_, _| {})
}

/// The same JPEG, byte for byte the same pixels, without its metadata: EXIF, XMP, ICC
/// profile, maker notes and other APPn segments, comments, and whatever follows the end
/// marker (phones append motion-photo videos there). Keeps what decoding needs: APP0
/// (JFIF) and APP14 (Adobe: how to read the colour channels), the tables, frames and
/// scans. None when the file does not reach its end marker.
pub(super) fn without_metadata(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut clean = Vec::with_capacity(bytes.len());
    clean.extend_from_slice(&[0xFF, 0xD8]);
    let complete = walk(bytes, |code, range| {
        let metadata = matches!(code, 0xE1..=0xED | 0xEF | 0xFE);
        if !metadata {
            clean.extend_from_slice(&bytes[range]);
        }
    });
    complete.then_some(clean)
}
