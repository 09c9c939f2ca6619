//! Webhook signatures: any header never panics and is accepted only if it
//! carries the body's real signature; `verify(secret, body, sign(secret,
//! body))` is always ok (alone, in a rotation list, beside later schemes);
//! any flipped byte of the body, and any flipped byte of the signature that
//! changes what it says, is rejected.
#![no_main]

use libfuzzer_sys::fuzz_target;
use modelwire::webhook::{MAX_HEADER_LEN, WebhookError, sign, verify, verify_any};

// Input layout: two position bytes, one mask byte, then secret, body and a
// free-form header separated by 0x00.
fuzz_target!(|input: &[u8]| {
    if input.len() < 3 {
        return;
    }
    let (pos_a, pos_b, mask) = (input[0], input[1], input[2]);
    let mut parts = input[3..].splitn(3, |&b| b == 0);
    let secret = parts.next().unwrap_or_default();
    let body = parts.next().unwrap_or_default();
    let free = String::from_utf8_lossy(parts.next().unwrap_or_default());

    // Any header: no panic, and never accepted without the real signature.
    let result = verify(secret, body, &free);
    if secret.is_empty() {
        assert_eq!(result, Err(WebhookError::EmptySecret));
        assert_eq!(
            verify(secret, body, &sign(secret, body)),
            Err(WebhookError::EmptySecret)
        );
        return;
    }
    let good = sign(secret, body);
    let hex = &good[3..];
    if result.is_ok() {
        assert!(
            free.to_ascii_lowercase().contains(hex),
            "accepted {free:?} without the signature"
        );
        assert!(free.len() <= MAX_HEADER_LEN);
    }

    // The real signature: alone, padded, in a rotation, beside a later scheme.
    assert_eq!(good.len(), 67);
    assert!(
        hex.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    );
    assert_eq!(verify(secret, body, &good), Ok(()));
    assert_eq!(verify(secret, body, &format!("  {good} ")), Ok(()));
    assert_eq!(
        verify(
            secret,
            body,
            &good.to_ascii_uppercase().replacen("V1=", "v1=", 1)
        ),
        Ok(())
    );
    let other = sign(b"another secret", body);
    assert_eq!(verify(secret, body, &format!("{other},{good}")), Ok(()));
    assert_eq!(verify(secret, body, &format!("{good},v2=abc")), Ok(()));
    assert_eq!(
        verify_any(&[b"another secret", secret], body, &good),
        Ok(())
    );
    // The free header beside the signature: ok exactly when the free part
    // is well formed (or a no-op), otherwise an error, never a panic.
    let _ = verify(secret, body, &format!("{free},{good}"));

    // A flipped body byte: always a mismatch.
    let mask = if mask == 0 { 1 } else { mask };
    if !body.is_empty() {
        let mut altered = body.to_vec();
        altered[usize::from(pos_a) % body.len()] ^= mask;
        assert_eq!(verify(secret, &altered, &good), Err(WebhookError::Mismatch));
    }
    // A flipped byte of the secret: the other secret's signature never verifies.
    let mut wrong = secret.to_vec();
    wrong[usize::from(pos_b) % secret.len()] ^= mask;
    assert_eq!(verify(&wrong, body, &good), Err(WebhookError::Mismatch));

    // A flipped signature byte: rejected unless it only changed the case of
    // a hex letter (hex is accepted in either case).
    let mut sig = good.clone().into_bytes();
    let at = usize::from(pos_b) % sig.len();
    sig[at] ^= mask;
    let same_meaning = at >= 3
        && sig[at].is_ascii_hexdigit()
        && sig[at].eq_ignore_ascii_case(&good.as_bytes()[at]);
    match String::from_utf8(sig) {
        Ok(header) => {
            let result = verify(secret, body, &header);
            if same_meaning {
                assert_eq!(result, Ok(()), "{header:?}");
            } else {
                assert!(result.is_err(), "flipped signature {header:?} accepted");
            }
        }
        Err(_) => {} // not a header a caller can hold as a string
    }
});
