//! Numbers as people read them in the terminal.

/// Counts: 1234 -> "1234", 45_600 -> "45.6 k", 1_234_567 -> "1.23 M".
pub fn count(n: i64) -> String {
    match n.unsigned_abs() {
        0..=9_999 => n.to_string(),
        10_000..=999_999 => format!("{:.1} k", n as f64 / 1e3),
        _ => format!("{:.2} M", n as f64 / 1e6),
    }
}

/// Dollars: $789, $45 k, $45.6 M, -$1.20 B.
pub fn usd(x: i64) -> String {
    let sign = if x < 0 { "-" } else { "" };
    let v = x.unsigned_abs() as f64;
    let body = match x.unsigned_abs() {
        0..=999 => format!("{v:.0}"),
        1_000..=999_999 => format!("{:.0} k", v / 1e3),
        1_000_000..=999_999_999 => format!("{:.1} M", v / 1e6),
        _ => format!("{:.2} B", v / 1e9),
    };
    format!("{sign}${body}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readable_figures() {
        assert_eq!(count(1_234_567), "1.23 M");
        assert_eq!(count(45_600), "45.6 k");
        assert_eq!(usd(-1_204_000_000), "-$1.20 B");
        assert_eq!(usd(45_600_000), "$45.6 M");
        assert_eq!(usd(789), "$789");
    }
}
