//! A model's weights as link text: its [`wire`] message, deflated (`miniz_oxide`) and
//! base64url-encoded without padding (`base64`), so a link can carry a small trained model
//! bit for bit. [`unpack`] bounds every size before it allocates and validates the model
//! through [`wire::decode`], so a hostile link gets an error, never a panic.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use super::{wire, FormatError, Result, MAX_FILE_BYTES};

/// Most parameters a link carries (the "up to at least 5 000"; about 27 KB of text
/// for weights that do not compress).
pub const MAX_LINK_PARAMS: u64 = 8_000;

/// Longest weights text read from a link.
pub const MAX_LINK_CHARS: usize = 200_000;

/// The link text of a wire message (checked to be one).
pub fn pack(message: &[u8]) -> Result<String> {
    let file = wire::decode(message)?;
    let params = file.stack.num_params();
    if params > MAX_LINK_PARAMS {
        return Err(FormatError::Invalid(format!(
            "a link carries at most {MAX_LINK_PARAMS} parameters; this model has {params}"
        )));
    }
    Ok(URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(message, 9)))
}

/// The wire message of link text written by [`pack`].
pub fn unpack(text: &str) -> Result<Vec<u8>> {
    if text.len() > MAX_LINK_CHARS {
        return Err(FormatError::Invalid(format!(
            "the weights in the link are longer than {MAX_LINK_CHARS} characters"
        )));
    }
    let packed = URL_SAFE_NO_PAD.decode(text.trim()).map_err(|e| {
        FormatError::Invalid(format!("the weights in the link are not base64url: {e}"))
    })?;
    let limit = usize::try_from(MAX_FILE_BYTES).unwrap_or(usize::MAX);
    let message =
        miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, limit).map_err(|e| {
            FormatError::Invalid(format!(
                "the weights in the link are damaged ({:?})",
                e.status
            ))
        })?;
    let file = wire::decode(&message)?;
    if file.stack.num_params() > MAX_LINK_PARAMS {
        return Err(FormatError::Invalid(format!(
            "a link carries at most {MAX_LINK_PARAMS} parameters"
        )));
    }
    Ok(message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use gatescope_core::{CellKind, InitConfig, Params, Stack};

    fn message(h: usize, d: usize, layers: usize) -> Vec<u8> {
        let p: Vec<Params> = (0..layers)
            .map(|k| {
                let input = if k == 0 { d } else { h };
                Params::init(
                    CellKind::Lstm,
                    h,
                    input,
                    InitConfig {
                        seed: k as u64,
                        ..Default::default()
                    },
                )
                .unwrap()
            })
            .collect();
        wire::encode_stack(&Stack::new(p, false).unwrap())
    }

    #[test]
    fn weights_round_trip_bit_for_bit() {
        for (h, d, layers) in [(4, 1, 1), (32, 3, 1), (16, 2, 2)] {
            let m = message(h, d, layers);
            let text = pack(&m).unwrap();
            assert!(text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
            assert_eq!(unpack(&text).unwrap(), m);
        }
    }

    #[test]
    fn hostile_text_is_an_error() {
        let good = pack(&message(4, 1, 1)).unwrap();
        let bomb = URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(
            &vec![0u8; 60 << 20],
            9,
        ));
        for bad in [
            String::new(),
            "!!!".to_string(),
            "A".repeat(MAX_LINK_CHARS + 1),
            good[..good.len() / 2].to_string(),
            URL_SAFE_NO_PAD.encode(b"not deflate at all"),
            bomb,
        ] {
            assert!(unpack(&bad).is_err(), "{}", &bad[..bad.len().min(20)]);
        }
        for cut in 0..good.len() {
            let _ = unpack(&good[..cut]);
        }
        assert!(
            pack(&message(64, 3, 1)).is_err(),
            "over the parameter limit"
        );
    }
}
