package cur

import "strings"

// PeriodOf turns a billing period start ("2026-10-01T00:00:00Z", "2024-01-01", "20261001") into
// "2026-10"; "" when the text is not a date.
func PeriodOf(s string) string {
	s = strings.TrimSpace(s)
	switch {
	case len(s) >= 7 && s[4] == '-' && isDigits(s[:4]) && isDigits(s[5:7]):
		return s[:7]
	case len(s) >= 6 && isDigits(s[:6]):
		return s[:4] + "-" + s[4:6]
	}
	return ""
}

// DayOf turns a usage start ("2026-10-01T00:00:00Z", "20261001") into its day "2026-10-01";
// "" when the text is not a date.
func DayOf(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 10 && s[4] == '-' && s[7] == '-' {
		return s[:10]
	}
	if len(s) >= 8 && strings.TrimLeft(s[:8], "0123456789") == "" {
		return s[:4] + "-" + s[4:6] + "-" + s[6:8]
	}
	return ""
}

// Leading characters a text's PeriodOf and DayOf depend on, at most.
const (
	periodChars = 7
	dayChars    = 10
)

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
