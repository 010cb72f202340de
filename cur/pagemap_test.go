package cur

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// writeMapParquet writes CUR 2.0-shaped MAP columns in every form a row's map takes: NULL,
// empty, the key absent, present with a NULL, blank or padded value, twice under spellings of
// one snake_case form, and rows of up to 40 entries, so that with small pages a row's
// entries span pages.
func writeMapParquet(t testing.TB, nrows, rowGroup int, props ...parquet.WriterProperty) string {
	t.Helper()
	strMap := arrow.MapOf(arrow.BinaryTypes.String, arrow.BinaryTypes.String)
	sc := arrow.NewSchema([]arrow.Field{
		{Name: "line_item_line_item_type", Type: arrow.BinaryTypes.String},
		{Name: "bill_billing_entity", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "resource_tags", Type: strMap, Nullable: true},
		{Name: "cost_category", Type: strMap, Nullable: true},
		{Name: "product", Type: strMap, Nullable: true},
		{Name: "tags", Type: strMap, Nullable: true}, // legacy header names: a second source of each tag
	}, nil)
	var buf bytes.Buffer
	mem := memory.NewGoAllocator()
	props = append([]parquet.WriterProperty{parquet.WithMaxRowGroupLength(int64(rowGroup)),
		parquet.WithCompression(compress.Codecs.Snappy)}, props...)
	fw, err := pqarrow.NewFileWriter(sc, &buf, parquet.NewWriterProperties(props...), pqarrow.DefaultWriterProps())
	if err != nil {
		t.Fatal(err)
	}
	b := array.NewRecordBuilder(mem, sc)
	defer b.Release()
	entities := []string{"AWS", "AWS Marketplace", " AWS Marketplace ", ""}
	for i := range nrows {
		b.Field(0).(*array.StringBuilder).Append([]string{"Usage", "Tax", "Credit"}[i%3])
		e := entities[i*7%len(entities)]
		if i/1000%3 == 1 {
			e = "AWS" // long runs of rows a test on the billing entity passes over
		}
		if e == "" && i%2 == 0 {
			b.Field(1).AppendNull()
		} else {
			b.Field(1).(*array.StringBuilder).Append(e)
		}
		for f, pick := range []func(i int) [][2]string{tagEntries, categoryEntries, productEntries, legacyTagEntries} {
			mb := b.Field(2 + f).(*array.MapBuilder)
			entries := pick(i)
			switch {
			case i%11 == 0:
				mb.AppendNull()
				continue
			case i%13 == 0:
				mb.AppendEmptyValue()
				continue
			}
			mb.Append(true)
			for _, kv := range entries {
				mb.KeyBuilder().(*array.StringBuilder).Append(kv[0])
				if kv[1] == "<null>" {
					mb.ItemBuilder().AppendNull()
				} else {
					mb.ItemBuilder().(*array.StringBuilder).Append(kv[1])
				}
			}
		}
	}
	return writeParquetFile(t, fw, &buf, b, "maps.parquet")
}

func tagEntries(i int) [][2]string {
	var e [][2]string
	switch i % 6 {
	case 0:
		e = append(e, [2]string{"user_env", "prod"})
	case 1: // a blank value, then the same key spelt otherwise with one
		e = append(e, [2]string{"user_team", "  "}, [2]string{"user:Team", " core "})
	case 2:
		e = append(e, [2]string{"user_team", "<null>"}, [2]string{"user_env", "dev"})
	case 3:
		e = append(e, [2]string{"user:team", fmt.Sprintf("team-%d", i%37)})
	case 4:
		e = append(e, [2]string{"user_team", ""})
	}
	for k := range i % 5 {
		e = append(e, [2]string{fmt.Sprintf("user_other%d", k), fmt.Sprint(i % 3)})
	}
	return e
}

func legacyTagEntries(i int) [][2]string {
	if i%5 == 0 {
		return nil
	}
	return [][2]string{{"resourceTags/user:Env", "e"}, {"resourceTags/user:Team", fmt.Sprintf(" legacy-%d", i%4)}}
}

func categoryEntries(i int) [][2]string {
	if i%4 == 0 {
		return nil
	}
	return [][2]string{{"Team", []string{"a", "b", " c"}[i%3]}}
}

// productEntries gives many rows dozens of entries, and a product name to a few.
func productEntries(i int) [][2]string {
	var e [][2]string
	for k := range i % 41 {
		e = append(e, [2]string{fmt.Sprintf("attr_%d", k), fmt.Sprint((i + k) % 9)})
	}
	if i%3 != 2 {
		e = append(e, [2]string{"product_name", fmt.Sprintf("Product %d", i%17)})
	}
	return e
}

// mapRequest asks for the flat columns and several keys of each map.
func mapRequest() Request {
	var req Request
	for _, c := range []string{ColLineItemType, "bill_billing_entity", TagColumn("Team"), TagColumn("env"), TagColumn("absent"),
		CostCategoryColumn("Team"), "product_product_name", "product_attr_3"} {
		req.AskString(c)
	}
	return req
}

// TestPagePathMaps compares the page path with pqarrow on MAP columns written with
// dictionaries (read on the page path) across data page versions, page sizes and row groups,
// and without (left to pqarrow, as Entries needs dictionary indices).
func TestPagePathMaps(t *testing.T) {
	for _, c := range []struct {
		name     string
		rows, rg int
		paged    bool
		props    []parquet.WriterProperty
	}{
		{"v1", 20000, 6000, true, nil},
		{"v1 small pages", 9000, 4000, true, []parquet.WriterProperty{parquet.WithDataPageSize(300)}},
		{"v2 small pages", 9000, 2500, true, []parquet.WriterProperty{parquet.WithDataPageVersion(parquet.DataPageV2), parquet.WithDataPageSize(500)}},
		{"one row group", 3000, 1 << 20, true, nil},
		{"no dictionary", 5000, 2000, false, []parquet.WriterProperty{parquet.WithDictionaryDefault(false)}},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := writeMapParquet(t, c.rows, c.rg, c.props...)
			got := samePaths(t, path, mapRequest())
			if got.paged != c.paged || got.err != "" {
				t.Errorf("page path %v, want %v; error %q", got.paged, c.paged, got.err)
			}
			if c.paged {
				// The tags map is read only where resource_tags has no team.
				rd, err := Open(Source{Path: path}, mapRequest())
				if err != nil {
					t.Fatal(err)
				}
				limited := 0
				for _, l := range rd.(*parquetReader).pages.leaves {
					if l.where != nil && len(l.where.empty) > 0 {
						limited++
					}
				}
				rd.Close()
				if limited != 3 {
					t.Errorf("%d leaves read only where earlier sources are empty, want 3 (team, env, absent)", limited)
				}
			}
			// A map asked for money stays with pqarrow.
			req := mapRequest()
			req.AskAmount(TagColumn("Team"))
			if d := samePaths(t, path, req); d.paged {
				t.Error("money under a map key took the page path")
			}
		})
	}
}

// TestPagePathMapWhere: a map key asked only on some rows (Request.Where) reads on those
// rows what pqarrow reads, and is passed over on the others, across pages and row groups.
func TestPagePathMapWhere(t *testing.T) {
	for _, c := range []struct {
		name  string
		props []parquet.WriterProperty
	}{
		{"v1", nil},
		{"v1 small pages", []parquet.WriterProperty{parquet.WithDataPageSize(300)}},
		{"v2 small pages", []parquet.WriterProperty{parquet.WithDataPageVersion(parquet.DataPageV2), parquet.WithDataPageSize(700)}},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := writeMapParquet(t, 12000, 5000, c.props...)
			var req Request
			entity := req.AskString("bill_billing_entity")
			market := ColumnTest{Column: "bill_billing_entity", Values: []string{"AWS Marketplace"}}
			name := req.AskStringWhere("product_product_name", market)
			team := req.AskStringWhere(TagColumn("Team"), market)
			req.AskString(TagColumn("Team")) // asked whole as well: read on every row
			if len(req.Where) != 1 {
				t.Fatalf("Where %v: want only the product name limited", req.Where)
			}
			readOnMarketplace(t, path, req, entity, name, team)
		})
	}
}

// TestPagePathMapNullChunks: a row group whose map (or whose map's values) holds no value at
// all, which writers store as PLAIN pages without a dictionary, stays on the page path.
func TestPagePathMapNullChunks(t *testing.T) {
	sc := arrow.NewSchema([]arrow.Field{
		{Name: "line_item_line_item_type", Type: arrow.BinaryTypes.String},
		{Name: "resource_tags", Type: arrow.MapOf(arrow.BinaryTypes.String, arrow.BinaryTypes.String), Nullable: true},
	}, nil)
	for _, first := range []string{"null maps", "empty maps", "null values"} {
		t.Run(first, func(t *testing.T) {
			var buf bytes.Buffer
			fw, err := pqarrow.NewFileWriter(sc, &buf, parquet.NewWriterProperties(parquet.WithMaxRowGroupLength(100)), pqarrow.DefaultWriterProps())
			if err != nil {
				t.Fatal(err)
			}
			b := array.NewRecordBuilder(memory.NewGoAllocator(), sc)
			defer b.Release()
			for i := range 300 {
				b.Field(0).(*array.StringBuilder).Append("Usage")
				mb := b.Field(1).(*array.MapBuilder)
				switch {
				case i < 100 && first == "null maps":
					mb.AppendNull()
				case i < 100 && first == "empty maps":
					mb.AppendEmptyValue()
				default:
					mb.Append(true)
					mb.KeyBuilder().(*array.StringBuilder).Append("user_team")
					if i < 100 {
						mb.ItemBuilder().AppendNull()
					} else {
						mb.ItemBuilder().(*array.StringBuilder).Append([]string{"web", "data"}[i%2])
					}
				}
			}
			path := writeParquetFile(t, fw, &buf, b, "nullmaps.parquet")
			if got := samePaths(t, path, Request{Strings: []string{TagColumn("team")}}); !got.paged || got.err != "" {
				t.Errorf("page path %v, error %q", got.paged, got.err)
			}
		})
	}
}

// TestPagePathMapEveryRow: rows that all have the key, among other entries before and after
// it, so that blocks of levels begin and end at every place in a row: each row's value is
// found, none twice.
func TestPagePathMapEveryRow(t *testing.T) {
	sc := arrow.NewSchema([]arrow.Field{
		{Name: "line_item_line_item_type", Type: arrow.BinaryTypes.String},
		{Name: "resource_tags", Type: arrow.MapOf(arrow.BinaryTypes.String, arrow.BinaryTypes.String), Nullable: true},
	}, nil)
	var buf bytes.Buffer
	fw, err := pqarrow.NewFileWriter(sc, &buf, parquet.NewWriterProperties(parquet.WithMaxRowGroupLength(1500),
		parquet.WithDataPageSize(700)), pqarrow.DefaultWriterProps())
	if err != nil {
		t.Fatal(err)
	}
	b := array.NewRecordBuilder(memory.NewGoAllocator(), sc)
	defer b.Release()
	for i := range 4000 {
		b.Field(0).(*array.StringBuilder).Append("Usage")
		mb := b.Field(1).(*array.MapBuilder)
		mb.Append(true)
		n := 1 + i%4
		for j := range n {
			k, v := fmt.Sprintf("user_other%d", j), "x"
			if j == i/4%n {
				k, v = "user_team", fmt.Sprint("t", i%7)
			}
			mb.KeyBuilder().(*array.StringBuilder).Append(k)
			mb.ItemBuilder().(*array.StringBuilder).Append(v)
		}
	}
	path := writeParquetFile(t, fw, &buf, b, "everyrow.parquet")
	if got := samePaths(t, path, Request{Strings: []string{TagColumn("team")}}); !got.paged || got.err != "" {
		t.Errorf("page path %v, error %q", got.paged, got.err)
	}
}

// TestPagePathMapRequiredValues: a map whose values cannot be NULL, so that its key and value
// leaves have the same definition levels, read whole and only on the rows of a test (the
// others passed over), across small pages of both versions: what pqarrow reads.
func TestPagePathMapRequiredValues(t *testing.T) {
	tags := arrow.MapOf(arrow.BinaryTypes.String, arrow.BinaryTypes.String)
	tags.SetItemNullable(false)
	sc := arrow.NewSchema([]arrow.Field{
		{Name: "line_item_line_item_type", Type: arrow.BinaryTypes.String},
		{Name: "bill_billing_entity", Type: arrow.BinaryTypes.String},
		{Name: "resource_tags", Type: tags, Nullable: true},
	}, nil)
	for _, c := range []struct {
		name  string
		props []parquet.WriterProperty
	}{
		{"v1", []parquet.WriterProperty{parquet.WithDataPageSize(400)}},
		{"v2", []parquet.WriterProperty{parquet.WithDataPageVersion(parquet.DataPageV2), parquet.WithDataPageSize(600)}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			props := append([]parquet.WriterProperty{parquet.WithMaxRowGroupLength(2000)}, c.props...)
			fw, err := pqarrow.NewFileWriter(sc, &buf, parquet.NewWriterProperties(props...), pqarrow.DefaultWriterProps())
			if err != nil {
				t.Fatal(err)
			}
			b := array.NewRecordBuilder(memory.NewGoAllocator(), sc)
			defer b.Release()
			for i := range 5000 {
				entity := "AWS"
				if i%9 == 0 || i/700%2 == 1 && i%3 == 0 {
					entity = "AWS Marketplace"
				}
				b.Field(0).(*array.StringBuilder).Append("Usage")
				b.Field(1).(*array.StringBuilder).Append(entity)
				mb := b.Field(2).(*array.MapBuilder)
				switch {
				case i%17 == 0:
					mb.AppendNull()
					continue
				case i%19 == 0:
					mb.AppendEmptyValue()
					continue
				}
				mb.Append(true)
				for j := range i % 23 {
					mb.KeyBuilder().(*array.StringBuilder).Append(fmt.Sprintf("user_other%d", j))
					mb.ItemBuilder().(*array.StringBuilder).Append(fmt.Sprint(j % 4))
					if j == i%5 {
						mb.KeyBuilder().(*array.StringBuilder).Append("user_team")
						mb.ItemBuilder().(*array.StringBuilder).Append(fmt.Sprint("t", i%7))
					}
				}
			}
			path := writeParquetFile(t, fw, &buf, b, "required.parquet")
			pf, err := file.OpenParquetFile(path, false)
			if err != nil {
				t.Fatal(err)
			}
			keys, values := pf.MetaData().Schema.Column(2), pf.MetaData().Schema.Column(3)
			pf.Close()
			if keys.MaxDefinitionLevel() != values.MaxDefinitionLevel() {
				t.Fatalf("definition levels: keys %d, values %d, want them equal", keys.MaxDefinitionLevel(), values.MaxDefinitionLevel())
			}
			if got := samePaths(t, path, Request{Strings: []string{TagColumn("team"), TagColumn("other3")}}); !got.paged || got.err != "" {
				t.Errorf("whole: page path %v, error %q", got.paged, got.err)
			}
			var req Request
			entity := req.AskString("bill_billing_entity")
			team := req.AskStringWhere(TagColumn("team"), ColumnTest{Column: "bill_billing_entity", Values: []string{"AWS Marketplace"}})
			other := req.AskString(TagColumn("other3"))
			readOnMarketplace(t, path, req, entity, team, other)
		})
	}
}

// readOnMarketplace reads path with req through both paths: column whole on every row as
// pqarrow does, column limited, asked only where entity is AWS Marketplace, the same on those
// rows and empty on the others; some rows of each kind must have a value.
func readOnMarketplace(t *testing.T, path string, req Request, entity, limited, whole StringCol) {
	t.Helper()
	read, passed := 0, 0
	bothPaths(t, path, req, func(w, s *Batch) {
		for i := range w.Len {
			row := w.FirstRow + int64(i)
			if got, want := s.Str(whole).Value(i), w.Str(whole).Value(i); got != want {
				t.Fatalf("row %d: %s %q, want %q", row, req.Strings[whole], got, want)
			}
			got, want := s.Str(limited).Value(i), w.Str(limited).Value(i)
			switch {
			case w.Str(entity).Value(i) == "AWS Marketplace":
				if got != want {
					t.Fatalf("Marketplace row %d: %s %q, want %q", row, req.Strings[limited], got, want)
				}
				read++
			case got != "":
				t.Fatalf("row %d outside the test: %s %q", row, req.Strings[limited], got)
			case want != "":
				passed++
			}
		}
	})
	if passed == 0 || read == 0 {
		t.Errorf("%d rows read, %d passed over: the test shows nothing", read, passed)
	}
}
