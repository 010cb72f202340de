package pqfooter

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/metadata"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// testFile writes a Parquet file of 4 leaves (a MAP's two among them) in row groups of 10
// rows, with the writer's statistics, encoding stats and key-value metadata, and returns it
// and its footer.
func testFile(t testing.TB, props ...parquet.WriterProperty) (data, footer []byte) {
	t.Helper()
	sc := arrow.NewSchema([]arrow.Field{
		{Name: "account", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "cost", Type: arrow.PrimitiveTypes.Float64},
		{Name: "tags", Type: arrow.MapOf(arrow.BinaryTypes.String, arrow.BinaryTypes.String), Nullable: true},
	}, nil)
	var buf bytes.Buffer
	fw, err := pqarrow.NewFileWriter(sc, &buf,
		parquet.NewWriterProperties(append([]parquet.WriterProperty{parquet.WithMaxRowGroupLength(10)}, props...)...),
		pqarrow.DefaultWriterProps())
	if err != nil {
		t.Fatal(err)
	}
	if err := fw.AppendKeyValueMetadata("writer", "test"); err != nil {
		t.Fatal(err)
	}
	b := array.NewRecordBuilder(memory.NewGoAllocator(), sc)
	defer b.Release()
	for i := range 35 {
		if i%7 == 3 {
			b.Field(0).AppendNull()
		} else {
			b.Field(0).(*array.StringBuilder).Append(fmt.Sprintf("acct-%03d", i%5))
		}
		b.Field(1).(*array.Float64Builder).Append(float64(i) / 4)
		m := b.Field(2).(*array.MapBuilder)
		m.Append(true)
		for k := range i % 3 {
			m.KeyBuilder().(*array.StringBuilder).Append(fmt.Sprintf("key%d", k))
			m.ItemBuilder().(*array.StringBuilder).Append(fmt.Sprintf("v%d", i))
		}
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	if err := fw.WriteBuffered(rec); err != nil {
		t.Fatal(err)
	}
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	data = buf.Bytes()
	n := binary.LittleEndian.Uint32(data[len(data)-8:])
	return data, data[len(data)-8-int(n) : len(data)-8]
}

func decode(t *testing.T, footer []byte) *metadata.FileMetaData {
	t.Helper()
	m, err := metadata.NewFileMetaData(footer, nil)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestTrimKeepsWhatItKeeps: the kept leaves' chunk metadata is the footer's own, byte for
// byte as arrow-go decodes it, and their values read the same through the trimmed footer;
// the others' chunks are refused.
func TestTrimKeepsWhatItKeeps(t *testing.T) {
	data, footer := testFile(t)
	full := decode(t, footer)
	if full.NumRowGroups() != 4 || full.Schema.NumColumns() != 4 {
		t.Fatalf("test file: %d row groups, %d leaves", full.NumRowGroups(), full.Schema.NumColumns())
	}
	for _, keep := range [][]bool{{true, false, false, false}, {false, true, true, true}, {false, false, false, false}, {true, true, true, true, true}} {
		t.Run(fmt.Sprint(keep), func(t *testing.T) {
			trimmed, err := Trim(footer, keep)
			if err != nil {
				t.Fatal(err)
			}
			if slices.Equal(keep, []bool{true, true, true, true, true}) && !bytes.Equal(trimmed, footer) {
				t.Error("keeping every leaf changed the footer")
			}
			m := decode(t, trimmed)
			if !m.Schema.Equals(full.Schema) || m.NumRows != full.NumRows || m.NumRowGroups() != full.NumRowGroups() ||
				!m.KeyValueMetadata().Equals(full.KeyValueMetadata()) || m.KeyValueMetadata().Len() == 0 || m.GetCreatedBy() != full.GetCreatedBy() {
				t.Fatal("schema, rows, row groups or key-value metadata differ")
			}
			for rg := range full.NumRowGroups() {
				want, got := full.RowGroup(rg), m.RowGroup(rg)
				if got.NumRows() != want.NumRows() || got.TotalByteSize() != want.TotalByteSize() {
					t.Errorf("row group %d: rows or size differ", rg)
				}
				for leaf := range full.Schema.NumColumns() {
					cc, err := got.ColumnChunk(leaf)
					if !keep[leaf] {
						if err == nil {
							t.Errorf("row group %d leaf %d: trimmed chunk still has its metadata", rg, leaf)
						}
						continue
					}
					if err != nil {
						t.Fatalf("row group %d leaf %d: %v", rg, leaf, err)
					}
					wc, _ := want.ColumnChunk(leaf)
					if !chunkEqual(t, cc, wc) {
						t.Errorf("row group %d leaf %d: chunk metadata differs", rg, leaf)
					}
				}
			}
			for leaf, k := range keep[:4] {
				if k {
					if got, want := readLeaf(t, data, m, leaf), readLeaf(t, data, full, leaf); got != want || want == "" {
						t.Errorf("leaf %d read %q through the trimmed footer, %q through the whole one", leaf, got, want)
					}
				}
			}
		})
	}
}

func chunkEqual(t *testing.T, a, b *metadata.ColumnChunkMetaData) bool {
	sa, errA := a.Statistics()
	sb, errB := b.Statistics()
	if errA != nil || errB != nil || (sa == nil) != (sb == nil) {
		t.Fatalf("statistics: %v, %v", errA, errB)
	}
	if sa != nil {
		ea, _ := sa.Encode()
		eb, _ := sb.Encode()
		if fmt.Sprint(ea) != fmt.Sprint(eb) {
			return false
		}
	}
	return a.FileOffset() == b.FileOffset() && a.DataPageOffset() == b.DataPageOffset() &&
		a.DictionaryPageOffset() == b.DictionaryPageOffset() && a.TotalCompressedSize() == b.TotalCompressedSize() &&
		a.TotalUncompressedSize() == b.TotalUncompressedSize() && a.NumValues() == b.NumValues() &&
		a.Compression() == b.Compression() && slices.Equal(a.Encodings(), b.Encodings()) &&
		fmt.Sprint(a.EncodingStats()) == fmt.Sprint(b.EncodingStats()) && a.PathInSchema().String() == b.PathInSchema().String()
}

// readLeaf reads every level and value of a leaf through arrow-go's column readers, as text.
func readLeaf(t *testing.T, data []byte, m *metadata.FileMetaData, leaf int) string {
	t.Helper()
	pf, err := file.NewParquetReader(bytes.NewReader(data), file.WithMetadata(m))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	for rg := range pf.NumRowGroups() {
		cr, err := pf.RowGroup(rg).Column(leaf)
		if err != nil {
			t.Fatal(err)
		}
		def, rep := make([]int16, 100), make([]int16, 100)
		switch r := cr.(type) {
		case *file.ByteArrayColumnChunkReader:
			vals := make([]parquet.ByteArray, 100)
			_, n, err := r.ReadBatch(100, vals, def, rep)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprint(&out, vals[:n], def, rep)
		case *file.Float64ColumnChunkReader:
			vals := make([]float64, 100)
			_, n, err := r.ReadBatch(100, vals, def, rep)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprint(&out, vals[:n], def, rep)
		default:
			t.Fatalf("leaf %d: %T", leaf, cr)
		}
	}
	return out.String()
}

func TestSchemaOnly(t *testing.T) {
	_, footer := testFile(t)
	full := decode(t, footer)
	skel, err := SchemaOnly(footer)
	if err != nil {
		t.Fatal(err)
	}
	m := decode(t, skel)
	if !m.Schema.Equals(full.Schema) || m.NumRows != full.NumRows || m.NumRowGroups() != 0 {
		t.Errorf("schema only: %d row groups of %d rows, schema equal %v", m.NumRowGroups(), m.NumRows, m.Schema.Equals(full.Schema))
	}
	if len(skel) >= len(footer)/2 {
		t.Errorf("schema only: %d bytes of a %d-byte footer", len(skel), len(footer))
	}
}

// TestTrimEncrypted: a file whose columns are encrypted under a plaintext footer is refused.
func TestTrimEncrypted(t *testing.T) {
	key := "0123456789012345"
	_, footer := testFile(t, parquet.WithEncryptionProperties(parquet.NewFileEncryptionProperties(key, parquet.WithPlaintextFooter())))
	if _, err := Trim(footer, []bool{true}); !errors.Is(err, ErrEncrypted) {
		t.Errorf("Trim: %v, want ErrEncrypted", err)
	}
}

// TestTrimDamaged: a cut or altered footer is an error or a footer, never a panic, and a cut
// one is always an error. What Trim writes it reads again, unchanged.
func TestTrimDamaged(t *testing.T) {
	_, footer := testFile(t)
	keep := []bool{true, false, true, false}
	for n := range len(footer) {
		if _, err := Trim(footer[:n], keep); err == nil {
			t.Errorf("footer cut to %d bytes: no error", n)
		}
	}
	bad := slices.Clone(footer)
	for i := range bad {
		for _, x := range []byte{0x01, 0x0f, 0x80, 0xff} {
			bad[i] ^= x
			if trimmed, err := Trim(bad, keep); err == nil {
				if again, err := Trim(trimmed, keep); err != nil || !bytes.Equal(again, trimmed) {
					t.Fatalf("byte %d ^ %#x: trimming the trimmed footer: %v", i, x, err)
				}
			}
			bad[i] ^= x
		}
	}
}

// TestFieldHeaders: a field's header written afresh reads back as the same field, whether its
// number is near the last (one byte) or not (written out).
func TestFieldHeaders(t *testing.T) {
	ids := []int16{1, 2, 17, 3, 3, 40, 41, 56, 72, -5, 32767, 1}
	var out []byte
	var last int16
	for _, id := range ids {
		out = appendFieldHeader(out, &last, id, tI32)
		out = binary.AppendUvarint(out, 7)
	}
	w := &walker{in: out}
	last = 0
	for _, want := range ids {
		id, typ, err := w.fieldHeader(&last)
		if err != nil || id != want || typ != tI32 {
			t.Fatalf("read field %d (%d, %v), want %d", id, typ, err, want)
		}
		if v, err := w.varint(); err != nil || v != 7 {
			t.Fatalf("field %d value %d, %v", id, v, err)
		}
	}
}
