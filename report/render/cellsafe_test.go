package render

import "testing"

func TestSpreadsheetSafe(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", ""},
		{"AmazonEC2", "AmazonEC2"},
		{`=HYPERLINK("http://x","click")`, `'=HYPERLINK("http://x","click")`},
		{"=1+1", "'=1+1"},
		{"+cmd", "'+cmd"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tindented", "'\tindented"},
		{"\rcarriage", "'\rcarriage"},
		{"a=1", "a=1"},
		{" =1", " =1"},
		{"'=1", "'=1"},
		{"(none)", "(none)"},
		{"ÿ=1", "ÿ=1"},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			if got := SpreadsheetSafe(c.in); got != c.want {
				t.Errorf("SpreadsheetSafe(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}
