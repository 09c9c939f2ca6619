//! Webhook signatures: SHA-256 against FIPS 180-4 / NIST vectors, HMAC
//! against RFC 4231, and `verify` accept / reject cases, cross-checked with
//! the emulator's `signWebhook` output (computed once with node and pasted
//! here).
#![cfg(not(target_arch = "wasm32"))]

use modelwire::webhook::{
    MAX_HEADER_LEN, Sha256, WebhookError, hmac_sha256, sha256, sign, verify, verify_any,
};
use proptest::prelude::*;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

// ------------------------------------------------------------------ SHA-256

#[test]
fn sha256_fips_180_4_examples() {
    let cases: [(&[u8], &str); 4] = [
        (b"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        (b"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
        ),
        (
            b"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1",
        ),
    ];
    for (input, expected) in cases {
        assert_eq!(
            hex(&sha256(input)),
            expected,
            "{:?}",
            String::from_utf8_lossy(input)
        );
    }
}

#[test]
fn sha256_one_million_a() {
    let mut hash = Sha256::new();
    let chunk = [b'a'; 1000];
    for _ in 0..1000 {
        hash.update(&chunk);
    }
    assert_eq!(
        hex(&hash.finish()),
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
    );
}

#[test]
fn sha256_padding_boundaries() {
    // Lengths around the 55/56/64-byte padding edges, against values from
    // `printf 'a%.0s' {1..N} | sha256sum`.
    let cases = [
        (
            55,
            "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318",
        ),
        (
            56,
            "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a",
        ),
        (
            63,
            "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34",
        ),
        (
            64,
            "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb",
        ),
        (
            65,
            "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0",
        ),
    ];
    for (n, expected) in cases {
        assert_eq!(hex(&sha256(&vec![b'a'; n])), expected, "{n} bytes");
    }
}

proptest! {
    #[test]
    fn sha256_incremental_equals_one_shot(data in proptest::collection::vec(any::<u8>(), 0..300),
                                          cuts in proptest::collection::vec(0usize..300, 0..6)) {
        let mut hash = Sha256::new();
        let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(data.len())).collect();
        cuts.sort_unstable();
        let mut start = 0;
        for cut in cuts {
            hash.update(&data[start..cut]);
            start = cut;
        }
        hash.update(&data[start..]);
        prop_assert_eq!(hash.finish(), sha256(&data));
    }
}

// --------------------------------------------------------------------- HMAC

#[test]
fn hmac_rfc_4231_vectors() {
    let key_131 = vec![0xaa; 131];
    let cases: Vec<(Vec<u8>, Vec<u8>, &str)> = vec![
        (
            vec![0x0b; 20],
            b"Hi There".to_vec(),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
        ),
        (
            b"Jefe".to_vec(),
            b"what do ya want for nothing?".to_vec(),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        ),
        (
            vec![0xaa; 20],
            vec![0xdd; 50],
            "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
        ),
        (
            unhex("0102030405060708090a0b0c0d0e0f10111213141516171819"),
            vec![0xcd; 50],
            "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
        ),
        (
            key_131.clone(),
            b"Test Using Larger Than Block-Size Key - Hash Key First".to_vec(),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
        ),
        (
            key_131,
            b"This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.".to_vec(),
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
        ),
    ];
    for (i, (key, data, expected)) in cases.into_iter().enumerate() {
        assert_eq!(
            hex(&hmac_sha256(&key, &data)),
            expected,
            "RFC 4231 case {}",
            i + 1
        );
    }
    // Case 5: output truncated to 128 bits.
    let mac = hmac_sha256(&[0x0c; 20], b"Test With Truncation");
    assert_eq!(hex(&mac[..16]), "a3b6167473100ee06e0c796c2955552b");
}

#[test]
fn hmac_keys_of_exactly_one_block_are_not_hashed() {
    // 64-byte key: used as is; 65 bytes: hashed. Both agree with a second
    // implementation built from sha256 directly.
    for len in [63, 64, 65] {
        let key: Vec<u8> = (0..len as u8).collect();
        let mut block = [0u8; 64];
        if key.len() > 64 {
            block[..32].copy_from_slice(&sha256(&key));
        } else {
            block[..key.len()].copy_from_slice(&key);
        }
        let inner: Vec<u8> = block
            .iter()
            .map(|b| b ^ 0x36)
            .chain(b"msg".iter().copied())
            .collect();
        let inner = sha256(&inner);
        let outer: Vec<u8> = block.iter().map(|b| b ^ 0x5c).chain(inner).collect();
        assert_eq!(
            hmac_sha256(&key, b"msg"),
            sha256(&outer),
            "key of {len} bytes"
        );
    }
}

// ------------------------------------------------------------------- verify

/// A webhook body as the emulator sends it, and `signWebhook` of it.
const BODY: &str = r#"{"request_id":"8f1c2d3e4a5b6c7d8e9f0a1b2c3d4e5f","model_id":"abcd1234","deployment_id":"dep_production","type":"async_request_completed","time":"2026-06-01T12:00:00.000Z","data":{"output":"About hi: done."},"errors":[]}"#;
/// `signWebhook(["whsec_emulator"], BODY)`.
const EMULATOR_SIG: &str = "v1=862659528c9d38ad940add7f7585e715791fa53fca5cb5b47c845d58fa43b494";
/// `signWebhook(["whsec_old", "whsec_new"], BODY)`.
const EMULATOR_ROTATING: &str = "v1=6cea2093eb9c9f92c20dd9ae43516f7543ad7da96bcd58ce373988a530b3145d,v1=29797e795cdc5559360fb8951680f644dae1749571d7f387bfc3067a150d0004";
/// A body with non-ASCII text, and `signWebhook(["whsec_emulator"], it)`:
/// the signature covers the UTF-8 bytes.
const UTF8_BODY: &str = "{\"data\":\"héllo ✓\"}";
const UTF8_SIG: &str = "v1=4634b5e52fb66485018bc59b7cc80d843aa226dda7f8f5d1b4cbf7cc9f60535e";

#[test]
fn sign_matches_the_emulator() {
    assert_eq!(sign(b"whsec_emulator", BODY.as_bytes()), EMULATOR_SIG);
    assert_eq!(
        [
            sign(b"whsec_old", BODY.as_bytes()),
            sign(b"whsec_new", BODY.as_bytes())
        ]
        .join(","),
        EMULATOR_ROTATING
    );
    assert_eq!(sign(b"whsec_emulator", UTF8_BODY.as_bytes()), UTF8_SIG);
}

#[test]
fn accepts_the_emulators_signatures() {
    assert_eq!(
        verify(b"whsec_emulator", BODY.as_bytes(), EMULATOR_SIG),
        Ok(())
    );
    assert_eq!(
        verify(b"whsec_emulator", UTF8_BODY.as_bytes(), UTF8_SIG),
        Ok(())
    );
}

#[test]
fn rotated_secrets_either_one_verifies() {
    let body = BODY.as_bytes();
    assert_eq!(verify(b"whsec_old", body, EMULATOR_ROTATING), Ok(()));
    assert_eq!(verify(b"whsec_new", body, EMULATOR_ROTATING), Ok(()));
    assert_eq!(
        verify(b"whsec_other", body, EMULATOR_ROTATING),
        Err(WebhookError::Mismatch)
    );
    // The receiving side holding both secrets during its own rotation.
    assert_eq!(
        verify_any(&[b"whsec_x", b"whsec_new"], body, EMULATOR_ROTATING),
        Ok(())
    );
    assert_eq!(
        verify_any(&[b"whsec_new"], body, EMULATOR_SIG),
        Err(WebhookError::Mismatch)
    );
    assert_eq!(
        verify_any(&[b"a", b"whsec_emulator"], body, EMULATOR_SIG),
        Ok(())
    );
}

#[test]
fn tampered_body_is_rejected() {
    let tampered = BODY.replace("About hi", "About HI");
    assert_eq!(
        verify(b"whsec_emulator", tampered.as_bytes(), EMULATOR_SIG),
        Err(WebhookError::Mismatch)
    );
    // Re-serialised (whitespace added): different bytes, so rejected.
    let reformatted = BODY.replace(",\"", ", \"");
    assert_eq!(
        verify(b"whsec_emulator", reformatted.as_bytes(), EMULATOR_SIG),
        Err(WebhookError::Mismatch)
    );
    let mut truncated = BODY.as_bytes().to_vec();
    truncated.pop();
    assert_eq!(
        verify(b"whsec_emulator", &truncated, EMULATOR_SIG),
        Err(WebhookError::Mismatch)
    );
    assert_eq!(
        verify(b"whsec_emulator", b"", EMULATOR_SIG),
        Err(WebhookError::Mismatch)
    );
}

#[test]
fn wrong_secret_is_rejected() {
    for secret in [
        &b"whsec_emulatoR"[..],
        b"whsec_emulator ",
        b"whsec_emulato",
        b"x",
    ] {
        assert_eq!(
            verify(secret, BODY.as_bytes(), EMULATOR_SIG),
            Err(WebhookError::Mismatch)
        );
    }
}

#[test]
fn empty_secret_is_a_configuration_error() {
    assert_eq!(
        verify(b"", BODY.as_bytes(), EMULATOR_SIG),
        Err(WebhookError::EmptySecret)
    );
    assert_eq!(
        verify_any(&[], BODY.as_bytes(), EMULATOR_SIG),
        Err(WebhookError::EmptySecret)
    );
    assert_eq!(
        verify_any(&[b"whsec_emulator", b""], BODY.as_bytes(), EMULATOR_SIG),
        Err(WebhookError::EmptySecret)
    );
}

#[test]
fn separators_and_hex_case_are_tolerated() {
    let body = BODY.as_bytes();
    let old = sign(b"whsec_old", body);
    let new = sign(b"whsec_new", body);
    for header in [
        format!("{old}, {new}"),
        format!(" {old} ,{new} "),
        format!("{old} {new}"),
        format!("{old}\t{new}"),
        format!("{old},,{new}"),
        format!("{new},"),
        new.to_uppercase().replacen("V1=", "v1=", 1),
    ] {
        assert_eq!(verify(b"whsec_new", body, &header), Ok(()), "{header:?}");
    }
}

#[test]
fn later_schemes_are_skipped_beside_a_v1() {
    let body = BODY.as_bytes();
    let good = sign(b"whsec_emulator", body);
    assert_eq!(
        verify(b"whsec_emulator", body, &format!("v2=abc123,{good}")),
        Ok(())
    );
    assert_eq!(
        verify(b"whsec_emulator", body, "v2=abc123"),
        Err(WebhookError::Malformed("no v1 signature"))
    );
}

#[test]
fn missing_or_blank_header_is_rejected() {
    for header in ["", " ", "\t \t"] {
        assert_eq!(
            verify(b"whsec_emulator", BODY.as_bytes(), header),
            Err(WebhookError::MissingSignature),
            "{header:?}"
        );
    }
}

#[test]
fn malformed_headers_are_rejected() {
    let good = &EMULATOR_SIG[3..];
    let cases = [
        "v1=".to_owned(),
        "v1".to_owned(),
        ",".to_owned(),
        good.to_owned(),                 // no scheme
        format!("sha256={good}"),        // another provider's scheme
        format!("v1:{good}"),            // wrong separator
        format!("V1={good}"),            // scheme is case-sensitive
        format!("v1={}", &good[..63]),   // too short
        format!("v1={good}0"),           // too long
        format!("v1={}", &good[..62]),   // too short, whole bytes
        format!("v1={}zz", &good[..62]), // not hex
        format!("v1={}", good.replacen('8', "g", 1)),
        format!("v1= {good}"), // space inside the entry
        format!("v1=={good}"),
        format!("v1=0x{}", &good[2..]),
        format!("{EMULATOR_SIG},garbage"), // one good, one junk entry
        format!("{EMULATOR_SIG},v2="),     // empty later-scheme value
        format!("{EMULATOR_SIG},v=abc"),
        format!("v1={}", "é".repeat(32)), // non-ASCII
        format!("v1={good};"),
    ];
    for header in &cases {
        let result = verify(b"whsec_emulator", BODY.as_bytes(), header);
        assert!(
            matches!(result, Err(WebhookError::Malformed(_))),
            "{header:?} gave {result:?}"
        );
    }
}

#[test]
fn overlong_header_is_rejected_unread() {
    let header = format!("{EMULATOR_SIG}{}", ",".repeat(MAX_HEADER_LEN));
    assert_eq!(
        verify(b"whsec_emulator", BODY.as_bytes(), &header),
        Err(WebhookError::Malformed("longer than 8192 bytes"))
    );
}

#[test]
fn error_messages_read_on_their_own() {
    assert_eq!(
        WebhookError::Mismatch.to_string(),
        "webhook signature does not match the body (wrong secret or altered body)"
    );
    assert_eq!(
        WebhookError::Malformed("no v1 signature").to_string(),
        "malformed X-BASETEN-SIGNATURE header: no v1 signature"
    );
    assert_eq!(
        WebhookError::EmptySecret.to_string(),
        "webhook secret is empty"
    );
}

proptest! {
    #[test]
    fn a_signature_verifies_only_its_own_body(secret in proptest::collection::vec(any::<u8>(), 1..80),
                                              body in proptest::collection::vec(any::<u8>(), 0..200),
                                              flip in any::<usize>()) {
        let header = sign(&secret, &body);
        prop_assert_eq!(verify(&secret, &body, &header), Ok(()));
        if !body.is_empty() {
            let mut altered = body.clone();
            let i = flip % altered.len();
            altered[i] ^= 1;
            prop_assert_eq!(verify(&secret, &altered, &header), Err(WebhookError::Mismatch));
        }
    }

    #[test]
    fn arbitrary_headers_never_panic(header in ".{0,200}") {
        let _ = verify(b"k", b"body", &header);
    }
}
