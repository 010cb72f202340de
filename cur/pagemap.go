package cur

import (
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/curnorm/curnorm/cur/internal/pqpage"
)

// mapKey is the key side of a pageLeaf that reads one key of a CUR 2.0 MAP column (tags, cost
// categories, product attributes): the leaf's own column is the map's values. A row's value
// is that of its first entry whose key answers the key and whose value is not empty text,
// as the pqarrow path reads it (parquetReader.mapStrings).
type mapKey struct {
	col   pqpage.Column   // the map's keys
	key   string          // the requested key, in Snake form
	match []bool          // per entry of the chunk's key dictionary: whether it answers key
	known map[string]bool // key as written → whether it answers, across chunks
	// per entry of the chunk's value dictionary: whether it is a value (not empty text)
	usable []bool
	gap    int // the fewest rows outside where that decodeMap passes over: skipLevels' worth
}

// open positions the map's keys at row group rg and sizes the gaps decodeMap passes over by
// the chunk's entries per row.
func (m *mapKey) open(rg int) error {
	if err := m.col.Open(rg); err != nil {
		return err
	}
	meta := m.col.File.MetaData().RowGroup(rg)
	cc, err := meta.ColumnChunk(m.col.Leaf)
	if err != nil {
		return err
	}
	perRow := float64(cc.NumValues()) / float64(max(1, meta.NumRows()))
	m.gap = max(1, int(skipLevels/max(perRow, 1)))
	return nil
}

// newMapLeaf returns the leaf that reads key s.key of the MAP field s.field on the page
// path, or nil when the field is not a MAP of text keys whose every data page is dictionary
// encoded (the pqarrow path reads those).
func newMapLeaf(r *parquetReader, s *pqSource, src io.ReaderAt) *pageLeaf {
	fd := s.field
	if !fd.nested || len(fd.leaves) != 2 || fd.index >= len(r.fr.Manifest.Fields) {
		return nil
	}
	mt, ok := r.fr.Manifest.Fields[fd.index].Field.Type.(*arrow.MapType)
	if !ok {
		return nil
	}
	meta := r.pf.MetaData()
	kd, vd := meta.Schema.Column(fd.leaves[0]), meta.Schema.Column(fd.leaves[1])
	if kd.MaxRepetitionLevel() != 1 || vd.MaxRepetitionLevel() != 1 || kd.PhysicalType() != parquet.Types.ByteArray ||
		kd.SchemaNode().RepetitionType() != parquet.Repetitions.Required || kd.MaxDefinitionLevel() < 1 ||
		vd.MaxDefinitionLevel() < kd.MaxDefinitionLevel() || vd.MaxDefinitionLevel() > kd.MaxDefinitionLevel()+1 {
		return nil
	}
	for _, li := range fd.leaves {
		if !pqpage.ChunksReadable(meta, li) || !pqpage.DictionaryPages(meta, li) {
			return nil
		}
	}
	l := &pageLeaf{name: s.column}
	if !l.setKind(mt.ItemType(), vd) {
		return nil
	}
	m := &mapKey{key: s.key, known: map[string]bool{}}
	l.col = pqpage.Column{Leaf: fd.leaves[1], Type: vd.PhysicalType(), Width: vd.TypeLength(), MaxDef: vd.MaxDefinitionLevel(),
		MaxRep: 1, File: r.pf, Src: src, Props: pageStreamProps(r.alloc), OnDict: func(data []byte, n int) error {
			if err := l.setDictionary(data, n); err != nil {
				return err
			}
			m.usable = m.usable[:0]
			for _, s := range l.dstr {
				m.usable = append(m.usable, s != "")
			}
			return nil
		}}
	m.col = pqpage.Column{Leaf: fd.leaves[0], Type: kd.PhysicalType(), MaxDef: kd.MaxDefinitionLevel(), MaxRep: 1,
		File: r.pf, Src: src, Props: pageStreamProps(r.alloc), OnDict: m.setDictionary}
	l.mk = m
	return l
}

// setDictionary marks the entries of a chunk's key dictionary that answer the key.
func (m *mapKey) setDictionary(data []byte, n int) error {
	m.match = m.match[:0]
	return pqpage.DictValues(parquet.Types.ByteArray, 0, data, n, func(_ int, _ uint64, b []byte) error {
		ok, seen := m.known[string(b)]
		if !seen {
			if len(m.known) > 1<<14 {
				clear(m.known)
			}
			ok = Snake(string(b)) == m.key
			m.known[string(b)] = ok
		}
		m.match = append(m.match, ok)
		return nil
	})
}

// skipLevels is the fewest levels (map entries) of rows outside where that decodeMap passes
// over rather than reads: passing over costs a call (SkipMapRows), reading through each
// level a few nanoseconds.
const skipLevels = 64

// decodeMap reads the next n rows of a MAP key into the leaf's text: each row's first
// matching entry with a value. Rows outside where are read through but left empty, or passed
// over where enough of them come together (mapKey.gap).
func (l *pageLeaf) decodeMap(n int) error {
	l.startBatch(n)
	l.rowBuffers()
	valid, chosen := l.valid[:n], l.idx[:0]
	var want []bool
	if l.where != nil {
		want = l.where.want[:n]
	}
	// A row outside where counts as found already: Pick takes no value for it.
	for r := range valid {
		valid[r] = want != nil && !want[r]
	}
	for r := 0; r < n; {
		from, to := longGap(want, r, n, l.mk.gap)
		if from > r {
			var err error
			if chosen, err = pqpage.Pick(&l.mk.col, &l.col, &l.mk.match, &l.mk.usable, valid[r:from], chosen); err != nil {
				return err
			}
		}
		if to > from {
			if err := pqpage.SkipMapRows(&l.mk.col, &l.col, to-from); err != nil {
				return err
			}
		}
		r = to
	}
	for r, w := range want {
		valid[r] = valid[r] && w
	}
	l.someCodes(0, valid, chosen)
	return nil
}

// longGap returns the first run, from row r on, of at least gap of the n rows that want
// leaves out, or n, n when there is none; a nil want leaves none out.
func longGap(want []bool, r, n, gap int) (from, to int) {
	for r < len(want) {
		if want[r] {
			r++
			continue
		}
		from = r
		for r < len(want) && !want[r] {
			r++
		}
		if r-from >= gap {
			return from, r
		}
	}
	return n, n
}
