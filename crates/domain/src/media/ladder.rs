//! The width ladder: the only widths renditions are made at, so nobody can make
//! the server render (and store) unbounded variants of an image.

/// Every rendition width, smallest first.
pub const LADDER: [u32; 7] = [160, 320, 640, 960, 1280, 1920, 2560];

/// The ladder widths an image `original_width` pixels wide is served at:
/// never wider than the original (upscaling only blurs and wastes bytes). An
/// image narrower than the smallest step is served at the smallest step's
/// slot but keeps its own size, so it still has one rendition.
pub fn ladder_for(original_width: u32) -> Vec<u32> {
    let widths: Vec<u32> = LADDER
        .iter()
        .copied()
        .filter(|width| *width <= original_width)
        .collect();
    if widths.is_empty() {
        vec![LADDER[0]]
    } else {
        widths
    }
}

/// True when `width` is a ladder step this image may be served at.
pub fn allows(original_width: u32, width: u32) -> bool {
    ladder_for(original_width).contains(&width)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_wider_than_the_original() {
        assert_eq!(ladder_for(1000), vec![160, 320, 640, 960]);
        assert_eq!(ladder_for(1280), vec![160, 320, 640, 960, 1280]);
        assert_eq!(ladder_for(6000), LADDER.to_vec());
    }

    #[test]
    fn a_tiny_image_keeps_one_rendition() {
        assert_eq!(ladder_for(40), vec![160]);
        assert!(allows(40, 160));
        assert!(!allows(40, 320));
    }

    #[test]
    fn off_ladder_widths_are_refused() {
        assert!(!allows(6000, 1000));
        assert!(!allows(6000, 0));
        assert!(!allows(6000, 5120));
        assert!(allows(6000, 2560));
    }
}
