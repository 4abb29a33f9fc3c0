//! RFC 3339 date-times as instants, to compare an event's time with `since` and `until` given
//! with any offset (`Z`, `+02:00`): the contract's `format: date-time` accepts them all, and
//! text comparison would put `10:00+02:00` after `09:00Z`.

/// Seconds since the Unix epoch and nanoseconds: ordered as the instants are.
pub type Instant = (i64, u32);

/// The instant of `text`, an RFC 3339 date-time (`2024-05-01T09:30:00.5+02:00`), or `None` when
/// it is not one.
pub fn parse(text: &str) -> Option<Instant> {
    let bytes = text.as_bytes();
    if bytes.len() < 20 || !matches!(bytes[10], b'T' | b't' | b' ') {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        let digits = text.get(range)?;
        digits
            .bytes()
            .all(|byte| byte.is_ascii_digit())
            .then(|| digits.parse().ok())
            .flatten()
    };
    let separators = [(4, b'-'), (7, b'-'), (13, b':'), (16, b':')];
    if separators.iter().any(|(at, byte)| bytes[*at] != *byte) {
        return None;
    }
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    if second > 60 {
        return None;
    }
    let (nanos, zone) = fraction(&text[19..])?;
    let offset = zone_offset(zone)?;
    let seconds =
        days_from_civil(year, month, day) * 86_400 + hour * 3_600 + minute * 60 + second - offset;
    Some((seconds, nanos))
}

/// The nanoseconds of an optional `.fraction`, and the rest (the zone).
fn fraction(rest: &str) -> Option<(u32, &str)> {
    let Some(digits_and_zone) = rest.strip_prefix('.') else {
        return Some((0, rest));
    };
    let digits = digits_and_zone
        .bytes()
        .take_while(u8::is_ascii_digit)
        .count();
    if digits == 0 {
        return None;
    }
    let kept: String = digits_and_zone[..digits.min(9)].to_owned();
    let nanos = format!("{kept:0<9}").parse().ok()?;
    Some((nanos, &digits_and_zone[digits..]))
}

/// The zone's offset from UTC in seconds: `Z`, or `+HH:MM` / `-HH:MM`.
fn zone_offset(zone: &str) -> Option<i64> {
    if zone.eq_ignore_ascii_case("z") {
        return Some(0);
    }
    let sign = match zone.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let (hours, minutes) = zone.get(1..)?.split_once(':')?;
    if hours.len() != 2 || minutes.len() != 2 {
        return None;
    }
    let hours: i64 = hours.parse().ok()?;
    let minutes: i64 = minutes.parse().ok()?;
    (hours < 24 && minutes < 60).then_some(sign * (hours * 3_600 + minutes * 60))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Test code: a panic is the failure message.

    use super::*;

    #[test]
    fn the_epoch_and_a_known_instant() {
        assert_eq!(parse("1970-01-01T00:00:00Z"), Some((0, 0)));
        let known = humantime::parse_rfc3339("2024-05-01T09:30:00Z")
            .unwrap()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        assert_eq!(parse("2024-05-01T09:30:00Z"), Some((known as i64, 0)));
    }

    #[test]
    fn offsets_and_fractions_are_the_same_instant() {
        assert_eq!(
            parse("2024-05-01T11:30:00+02:00"),
            parse("2024-05-01T09:30:00Z")
        );
        assert_eq!(
            parse("2024-05-01T04:00:00-05:30"),
            parse("2024-05-01t09:30:00z")
        );
        assert_eq!(
            parse("2024-05-01T09:30:00.25Z"),
            parse("2024-05-01T09:30:00Z").map(|(seconds, _)| (seconds, 250_000_000))
        );
        assert!(parse("2024-05-01T10:00:00+02:00") < parse("2024-05-01T09:00:00Z"));
    }

    #[test]
    fn what_is_not_a_date_time() {
        for text in [
            "",
            "2024-05-01",
            "2024-05-01T09:30:00",
            "2024-13-01T09:30:00Z",
            "2024-05-01T24:00:00Z",
            "2024-05-01T09:30:00.Z",
            "2024-05-01T09:30:00+0200",
            "yesterday at noon, or so",
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
    }
}
