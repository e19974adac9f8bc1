//! Whether a JPEG file reaches its end marker. The JPEG decoder is lenient and paints the
//! missing part of a truncated file grey; a gig photo cut off half way is not evidence.

/// Walks the marker segments from SOI to EOI, skipping each segment by its length and each
/// scan's entropy-coded data byte by byte. Linear in the file's size and allocation-free.
/// (An EOI inside an APP1 thumbnail does not count: segments are skipped whole.)
pub(super) fn is_complete(bytes: &[u8]) -> bool {
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
        at += 1;
        match code {
            0xD9 => return true,
            // Restart markers and TEM stand alone, without a length.
            0xD0..=0xD7 | 0x01 => continue,
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
        if code == 0xDA {
            // Entropy-coded data ends at the first 0xFF that is neither a stuffed 0x00
            // nor a restart marker.
            loop {
                match (bytes.get(at), bytes.get(at + 1)) {
                    (Some(0xFF), Some(0x00 | 0xD0..=0xD7)) => at += 2,
                    (Some(0xFF), Some(_)) => break,
                    (Some(_), _) => at += 1,
                    (None, _) => return false,
                }
            }
        }
    }
}
