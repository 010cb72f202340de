package cur

import (
	"fmt"
	"io"
	"slices"

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
	keys  pqpage.Entries
	vals  pqpage.Entries
	full  uint8 // the definition level of a key: the entry exists
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
	l.col = pqpage.Column{Leaf: fd.leaves[1], Type: vd.PhysicalType(), Width: vd.TypeLength(), MaxDef: vd.MaxDefinitionLevel(),
		MaxRep: 1, File: r.pf, Src: src, Props: pageStreamProps(r.alloc), OnDict: l.setDictionary}
	m := &mapKey{key: s.key, full: uint8(kd.MaxDefinitionLevel()), known: map[string]bool{}}
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

// decodeMap reads the next n rows of a MAP key into the leaf's text: each row's first
// matching entry with a value. Rows outside where are passed over.
func (l *pageLeaf) decodeMap(n int) error {
	l.startBatch(n)
	l.valid = grow(l.valid, BatchRows)
	l.idx = grow(l.idx, BatchRows)
	valid, chosen := l.valid[:n], l.idx[:0]
	clear(valid)
	for r := 0; r < n; {
		from := r
		for r < n && l.where != nil && !l.where.want[r] {
			r++
		}
		if r > from {
			if err := l.mk.col.SkipRows(r - from); err != nil {
				return err
			}
			if err := l.col.SkipRows(r - from); err != nil {
				return err
			}
		}
		from = r
		for r < n && (l.where == nil || l.where.want[r]) {
			r++
		}
		if r > from {
			var err error
			if chosen, err = l.pick(valid[from:r], chosen); err != nil {
				return err
			}
		}
	}
	l.someCodes(0, valid, chosen)
	return nil
}

// pick reads the entries of the next len(valid) rows of both sides, marks the rows with a
// value and appends their dictionary entries to chosen.
func (l *pageLeaf) pick(valid []bool, chosen []uint32) ([]uint32, error) {
	m := l.mk
	if err := m.col.Entries(len(valid), &m.keys); err != nil {
		return nil, err
	}
	if err := l.col.Entries(len(valid), &m.vals); err != nil {
		return nil, err
	}
	ks, vs := &m.keys, &m.vals
	if len(ks.Def) != len(vs.Def) || !slices.Equal(ks.Start, vs.Start) {
		return nil, fmt.Errorf("parquet: a map's keys and values hold different entries")
	}
	if ks.Set > 0 && ks.Top >= uint32(len(m.match)) {
		return nil, fmt.Errorf("parquet: key dictionary index %d of %d entries", ks.Top, len(m.match))
	}
	if vs.Set > 0 && vs.Top >= l.entries() {
		return nil, l.badIndex(vs.Top)
	}
	// Entries whose key answers are few (one a row at most, as a rule): find them, then their
	// rows.
	full, value := m.full, uint8(l.col.MaxDef)
	kDef, kIdx, vDef, vIdx := ks.Def, ks.Idx[:len(ks.Def)], vs.Def[:len(ks.Def)], vs.Idx[:len(ks.Def)]
	starts, match, dstr := ks.Start, m.match, l.dstr
	r := 0
	for j, d := range kDef {
		if d != full || !match[kIdx[j]] {
			continue
		}
		for int(starts[r+1]) <= j {
			r++
		}
		if valid[r] || vDef[j] != value {
			continue
		}
		if e := vIdx[j]; dstr[e] != "" {
			valid[r], chosen = true, append(chosen, e)
		}
	}
	return chosen, nil
}
