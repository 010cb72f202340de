package cur

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
)

// parseMapCell parses a CUR 2.0 map cell, a JSON object held as text (CSV exports, and Parquet
// files whose writer stored maps as strings), into Snake(key) → value text. Numbers keep their
// exact text so that money never passes through a float. An empty cell, "{}", "null" and text
// that is not an object give an empty map. Keys that meet in one Snake form keep the non-empty value of the smallest raw key,
// so the outcome never depends on map order.
func parseMapCell(b []byte) (map[string]string, error) {
	b = bytes.TrimSpace(b)
	// Some writers put plain text in a map column (a sample's product cell is "EC2"): it has no
	// keys. Only text that starts as an object and then breaks is an error.
	if len(b) == 0 || b[0] != '{' || bytes.Equal(b, []byte("{}")) {
		return nil, nil
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var raw map[string]any
	if err := d.Decode(&raw); err != nil {
		return nil, fmt.Errorf("map cell is not a JSON object: %w", err)
	}
	if len(bytes.TrimSpace(b[d.InputOffset():])) > 0 {
		return nil, errors.New("map cell has text after its JSON object")
	}
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make(map[string]string, len(raw))
	for _, k := range keys {
		var s string
		switch x := raw[k].(type) {
		case nil:
		case string:
			s = x
		case json.Number:
			s = x.String()
		case bool:
			s = strconv.FormatBool(x)
		default:
			enc, _ := json.Marshal(x)
			s = string(enc)
		}
		key := Snake(k)
		if prev, ok := out[key]; ok && (prev != "" || s == "") {
			continue
		}
		out[key] = s
	}
	return out, nil
}
