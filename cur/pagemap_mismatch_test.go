package cur

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/schema"
	"github.com/curnorm/curnorm/cur/internal/pqpage"
)

// leafLevels is what one leaf of a hand-written file holds: values and levels as written.
type leafLevels struct {
	vals     []string
	def, rep []int16
}

// writeMapLeaves writes a CUR 2.0 file of line item type, billing entity and a resource_tags
// map whose key and value leaves are given apart, as no writer of maps would: periods runs
// of rows, each of the billing entity, keys and values period gives.
func writeMapLeaves(t *testing.T, props []parquet.WriterProperty, periods int, period func(k int) (entity string, keys, values leafLevels)) string {
	t.Helper()
	str := func(name string, rep parquet.Repetition) schema.Node {
		return schema.MustPrimitive(schema.NewPrimitiveNodeLogical(name, rep, schema.StringLogicalType{}, parquet.Types.ByteArray, -1, -1))
	}
	kv := schema.MustGroup(schema.NewGroupNode("key_value", parquet.Repetitions.Repeated,
		schema.FieldList{str("key", parquet.Repetitions.Required), str("value", parquet.Repetitions.Optional)}, -1))
	tags := schema.MustGroup(schema.NewGroupNodeLogical("resource_tags", parquet.Repetitions.Optional, schema.FieldList{kv}, schema.MapLogicalType{}, -1))
	root := schema.MustGroup(schema.NewGroupNode("schema", parquet.Repetitions.Required,
		schema.FieldList{str("line_item_line_item_type", parquet.Repetitions.Optional), str("bill_billing_entity", parquet.Repetitions.Optional), tags}, -1))
	leaves := [4]leafLevels{}
	for k := range periods {
		entity, keys, values := period(k)
		for _, r := range keys.rep {
			if r == 0 {
				leaves[0].vals, leaves[0].def = append(leaves[0].vals, "Usage"), append(leaves[0].def, 1)
				leaves[1].vals, leaves[1].def = append(leaves[1].vals, entity), append(leaves[1].def, 1)
			}
		}
		for j, l := range []leafLevels{keys, values} {
			leaves[2+j].vals = append(leaves[2+j].vals, l.vals...)
			leaves[2+j].def = append(leaves[2+j].def, l.def...)
			leaves[2+j].rep = append(leaves[2+j].rep, l.rep...)
		}
	}
	path := filepath.Join(t.TempDir(), "leaves.parquet")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := file.NewParquetWriter(f, root, file.WithWriterProps(parquet.NewWriterProperties(props...)))
	rg := w.AppendRowGroup()
	for _, l := range leaves {
		cw, err := rg.NextColumn()
		if err != nil {
			t.Fatal(err)
		}
		vals := make([]parquet.ByteArray, len(l.vals))
		for i, v := range l.vals {
			vals[i] = parquet.ByteArray(v)
		}
		if _, err := cw.(*file.ByteArrayColumnChunkWriter).WriteBatch(vals, l.def, l.rep); err != nil {
			t.Fatal(err)
		}
		if err := cw.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if err := rg.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestPagePathMapLeavesDisagree: a map's key leaf whose levels are not its value leaf's (the
// same number of entries and keys, in other rows) is refused on the page path, which reads
// its levels from the value leaf, whether the key is read on every row or only on some,
// passing the others over; pqarrow, which takes the rows from the key leaf, reads such a file
// without an error. Files whose leaves agree read as pqarrow reads them.
func TestPagePathMapLeavesDisagree(t *testing.T) {
	// The first 300 periods are AWS rows, passed over when the key is read on AWS Marketplace
	// rows alone.
	repeated := func(keys, values leafLevels) func(k int) (string, leafLevels, leafLevels) {
		return func(k int) (string, leafLevels, leafLevels) {
			return cmp.Or(map[bool]string{true: "AWS"}[k < 300], "AWS Marketplace"), keys, values
		}
	}
	for _, c := range []struct {
		name    string
		period  func(k int) (string, leafLevels, leafLevels)
		agree   bool
		onePage bool // the row group's levels in one page of each leaf
	}{
		{
			// Keys in rows [a team] [team] [b] [team c]; values in rows [x] [y z] [w] [u v].
			name: "rows",
			period: repeated(leafLevels{[]string{"user_a", "user_team", "user_team", "user_b", "user_team", "user_c"}, []int16{2, 2, 2, 2, 2, 2}, []int16{0, 1, 0, 0, 0, 1}},
				leafLevels{[]string{"x", "y", "z", "w", "u", "v"}, []int16{3, 3, 3, 3, 3, 3}, []int16{0, 0, 1, 0, 0, 1}}),
		},
		{
			// Keys in rows [team] [] [team]; values in rows [x] [y] [].
			name: "entries",
			period: repeated(leafLevels{[]string{"user_team", "user_team"}, []int16{2, 1, 2}, []int16{0, 0, 0}},
				leafLevels{[]string{"x", "y"}, []int16{3, 3, 1}, []int16{0, 0, 0}}),
		},
		{
			// Among rows whose leaves agree, a run of AWS rows whose key leaf has a key where
			// the value leaf has an empty map, far enough from the AWS Marketplace rows that
			// the page path passes it over without decoding its levels, and in the same page:
			// it must not take their keys for the AWS Marketplace rows'.
			name: "passed over",
			period: func(k int) (string, leafLevels, leafLevels) {
				switch k %= 1000; {
				case k >= 980:
					return "AWS Marketplace", leafLevels{[]string{"user_team"}, []int16{2}, []int16{0}}, leafLevels{[]string{fmt.Sprint("y", k%4)}, []int16{3}, []int16{0}}
				case k >= 300 && k < 700:
					return "AWS", leafLevels{[]string{"user_other"}, []int16{2}, []int16{0}}, leafLevels{nil, []int16{1}, []int16{0}}
				}
				return "AWS", leafLevels{[]string{"user_other"}, []int16{2}, []int16{0}}, leafLevels{[]string{fmt.Sprint("v", k%4)}, []int16{3}, []int16{0}}
			},
			onePage: true,
		},
		{
			name: "agree",
			period: repeated(leafLevels{[]string{"user_a", "user_team", "user_team", "user_b"}, []int16{2, 2, 1, 2, 2}, []int16{0, 1, 0, 0, 0}},
				leafLevels{[]string{"x", "y", "z"}, []int16{3, 2, 1, 3, 3}, []int16{0, 1, 0, 0, 0}}),
			agree: true,
		},
	} {
		for _, v := range []struct {
			name  string
			props []parquet.WriterProperty
		}{
			{"v1", []parquet.WriterProperty{parquet.WithDictionaryDefault(true), parquet.WithDataPageSize(300)}},
			{"v2", []parquet.WriterProperty{parquet.WithDictionaryDefault(true), parquet.WithDataPageSize(300), parquet.WithDataPageVersion(parquet.DataPageV2)}},
		} {
			t.Run(c.name+"/"+v.name, func(t *testing.T) {
				props := v.props
				if c.onePage {
					props = append(slices.Clip(props), parquet.WithDataPageSize(1<<20))
				}
				path := writeMapLeaves(t, props, 3000, c.period)
				var some Request
				some.AskString("bill_billing_entity")
				some.AskStringWhere(TagColumn("team"), ColumnTest{Column: "bill_billing_entity", Values: []string{"AWS Marketplace"}})
				for _, req := range []Request{{Strings: []string{TagColumn("team")}}, some} {
					pages := dumpParquet(t, path, req, true)
					if !pages.paged && pages.err == "" {
						t.Fatal("the page path did not take the file")
					}
					if c.agree {
						if got := samePaths(t, path, req); got.err != "" {
							t.Errorf("error %q", got.err)
						}
						continue
					}
					// arrow-go finds nothing wrong with such a file: the page path must.
					if arrow := dumpParquet(t, path, req, false); arrow.err != "" || arrow.rows == 0 {
						t.Errorf("pqarrow: %d rows, error %q", arrow.rows, arrow.err)
					}
					if !strings.Contains(pages.err, pqpage.ErrMapEntries.Error()) {
						t.Errorf("page path: error %q, want %q", pages.err, pqpage.ErrMapEntries)
					}
				}
				rd, err := Open(Source{Path: path}, Request{Strings: []string{TagColumn("team")}})
				if err != nil {
					t.Fatal(err)
				}
				defer rd.Close()
				for rd.Next() {
				}
				if err := rd.Err(); !c.agree && (!errors.Is(err, ErrCorrupt) || !strings.Contains(fmt.Sprint(err), path)) {
					t.Errorf("Next: %v, want ErrCorrupt naming the file", err)
				}
			})
		}
	}
}
