package cur

import (
	"bytes"
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// Fuzz targets of the small parsers. Seeds live in testdata/fuzz/<FuzzName>/ next to the
// ones added here; `make fuzz` runs every target.

func FuzzSnake(f *testing.F) {
	for _, s := range []string{"lineItem/UnblendedCost", "reservation/ReservationARN", "resourceTags/user:Name",
		"  weird//name__ ", "line_item_usage_account_id", "", "_", "ÄrgerÖl", "ǅemal", "ϒ", "a\xffb", "İstanbul", "ABC123def"} {
		f.Add(s)
	}
	snake := regexp.MustCompile(`^([a-z0-9]+(_[a-z0-9]+)*)?$`)
	f.Fuzz(func(t *testing.T, name string) {
		s := Snake(name)
		if again := Snake(s); again != s {
			t.Fatalf("Snake(%q) = %q, but Snake(%q) = %q", name, s, s, again)
		}
		if !utf8.ValidString(s) {
			t.Fatalf("Snake(%q) = %q: not valid UTF-8", name, s)
		}
		if strings.HasPrefix(s, "_") || strings.HasSuffix(s, "_") || strings.Contains(s, "__") {
			t.Fatalf("Snake(%q) = %q: stray underscores", name, s)
		}
		ascii := true
		for _, r := range name {
			ascii = ascii && r < utf8.RuneSelf
		}
		if ascii && !snake.MatchString(s) {
			t.Fatalf("Snake(%q) = %q: not snake_case", name, s)
		}
		for _, r := range s {
			if r != '_' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				t.Fatalf("Snake(%q) = %q: holds %q", name, s, r)
			}
		}
		if isSnake(name) && s != name {
			t.Fatalf("isSnake(%q) but Snake gives %q", name, s)
		}
	})
}

func FuzzParseMapCell(f *testing.F) {
	for _, s := range []string{``, `{}`, `null`, `EC2`, `{"product_name":"Amazon EC2","region":"us-east-1"}`,
		`{"user:Team":"core","user_team":"","aws:createdBy":"x"}`, `{"a":1.10,"b":true,"c":null,"d":[1,2],"e":{"f":"g"}}`,
		`{"a":1}}`, `{"a":1} x`, `{"a":`, ` {"A":"1"} `, `{"a":"\u00e9\ud800"}`, "{\"k\":\"\xff\"}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, cell []byte) {
		m, err := parseMapCell(cell)
		again, err2 := parseMapCell(cell)
		if (err == nil) != (err2 == nil) || !reflect.DeepEqual(m, again) {
			t.Fatalf("parseMapCell(%q) is not deterministic: %v %v / %v %v", cell, m, err, again, err2)
		}
		trimmed := bytes.TrimSpace(cell)
		isObject := len(trimmed) > 0 && trimmed[0] == '{'
		switch {
		case !isObject && (err != nil || len(m) > 0):
			t.Fatalf("parseMapCell(%q) = %v, %v: text that is no object has no keys", cell, m, err)
		case isObject && json.Valid(trimmed) && err != nil:
			t.Fatalf("parseMapCell(%q): %v, but it is a JSON object", cell, err)
		case isObject && !json.Valid(trimmed) && err == nil:
			t.Fatalf("parseMapCell(%q) = %v: accepted text that is not JSON", cell, m)
		}
		if err != nil {
			return
		}
		for k := range m {
			if Snake(k) != k {
				t.Fatalf("parseMapCell(%q): key %q is not in Snake form", cell, k)
			}
		}
		var raw map[string]any
		if json.Unmarshal(trimmed, &raw) == nil {
			for k, v := range raw {
				if s, ok := v.(string); ok && s != "" && m[Snake(k)] == "" {
					t.Fatalf("parseMapCell(%q): key %q lost its value %q", cell, k, s)
				}
			}
		}
	})
}
