package pqpage

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
)

// ErrMapEntries: the key and value leaves of a map disagree on where its entries are.
var ErrMapEntries = errors.New("parquet: a map's keys and values hold different entries")

// Pick reads the next len(found) rows of a map's key leaf keys and value leaf vals, and
// finds in each row its first entry whose key passes keyOK and whose value is defined and
// passes valOK (both per dictionary entry, read after each page so that a row group's new
// dictionaries count). found[r] is set for the rows with such an entry, whose value indices
// are appended to out in row order.
//
// The value leaf's levels are decoded, and only it counts the rows begun. A map's key is
// required, so the key leaf has the same repetition levels and, for definition levels, the
// value's capped at its own maximum: an entry has a key wherever its value's level reaches
// the key's (newMapLeaf takes no other map). The key leaf's levels are only compared with
// those (sameLevels), and it keeps its place in its own pages: the levels left in its page
// and its dictionary indices. The leaves are walked in step a block of levels at a time, and
// only the value indices are kept: no row's entries are gathered.
func Pick(keys, vals *Column, keyOK, valOK *[]bool, found []bool, out []uint32) ([]uint32, error) {
	if err := mapLeaves(keys, vals); err != nil {
		return out, err
	}
	rows := len(found)
	r := 0    // rows begun
	row := -1 // the row of the entry at hand
	kFull, vFull := uint32(keys.MaxDef), uint32(vals.MaxDef)
	for {
		if vals.lv.at == vals.lv.n {
			done, err := mapPages(keys, vals, r == rows)
			if done || err != nil {
				return out, err
			}
			// A block of levels in proportion to the rows asked, within both leaves' pages:
			// what is left of it when they end is walked level by level by SkipMapRows or
			// read by the next call.
			n := min(keys.left, vals.left, max(64, 8*rows))
			if err := vals.lv.fill(&vals.rep, &vals.def, n, vFull); err != nil {
				return out, err
			}
		}
		reps := vals.lv.rep[vals.lv.at:vals.lv.n]
		if row < 0 && reps[0] != 0 {
			return out, errors.New("parquet: repeated column starts inside a row")
		}
		// The levels of this block up to the start of row rows+1. Repetition levels are 0 or
		// 1, so a block holds its length less their sum of row starts.
		end, started := len(reps), len(reps)
		for _, rep := range reps {
			started -= int(rep)
		}
		if r+started > rows {
			started = 0
			for j, rep := range reps {
				if rep == 0 {
					if r+started == rows {
						end = j
						break
					}
					started++
				}
			}
		}
		if int64(started) > vals.rowsLeft {
			return out, errRowGroupRows
		}
		defs := vals.lv.def[vals.lv.at:][:end]
		if err := sameLevels(keys, reps[:end], defs); err != nil {
			return out, err
		}
		withKey, withValue := 0, 0
		for _, d := range defs {
			withKey += b2i(d >= kFull)
			withValue += b2i(d == vFull)
		}
		kIdx, top, err := keys.indices(withKey)
		if err != nil {
			return out, err
		}
		if len(kIdx) > 0 && top >= uint32(len(*keyOK)) {
			return out, fmt.Errorf("parquet: key dictionary index %d of %d entries", top, len(*keyOK))
		}
		vIdx, top, err := vals.indices(withValue)
		if err != nil {
			return out, err
		}
		if len(vIdx) > 0 && top >= uint32(len(*valOK)) {
			return out, fmt.Errorf("parquet: dictionary index %d of %d entries", top, len(*valOK))
		}
		if len(vIdx) == 0 {
			row += started // no entry with a value
		} else {
			out = pickBlock(reps[:end], defs, kFull, vFull, kIdx, vIdx, *keyOK, *valOK, found, &row, out, started)
		}
		r += started
		vals.rowsLeft -= int64(started)
		vals.lv.at += end
		keys.left -= end
		vals.left -= end
		if end < len(reps) {
			return out, nil // row rows+1 starts here
		}
	}
}

// sameLevels reads the key leaf's levels of a block the value leaf's reps and defs hold, and
// fails unless they are the value's, definition levels capped at the key's maximum: the
// format's rule for a map, which a damaged or miswritten file could break without either
// leaf's levels being malformed, and then each leaf would place its entries in other rows.
func sameLevels(keys *Column, reps, defs []uint32) error {
	if n := keys.passedLevels; n > 0 {
		// Rows passed over in this page need only agree with the key leaf on how many keys
		// they hold, which places the keys of the rows after; those rows are compared below.
		// Where the page ends first, its keys place nothing: the next page's indices start anew.
		if err := keys.rep.skip(n); err != nil {
			return err
		}
		if got, _, err := keys.def.countEntries(n, uint32(keys.MaxDef), uint32(keys.MaxDef)); err != nil || got != keys.passedKeys {
			return cmp.Or(err, ErrMapEntries)
		}
		keys.passedLevels, keys.passedKeys = 0, 0
	}
	if same, err := keys.rep.match(reps, math.MaxUint32); err != nil || !same {
		return cmp.Or(err, ErrMapEntries)
	}
	if same, err := keys.def.match(defs, uint32(keys.MaxDef)); err != nil || !same {
		return cmp.Or(err, ErrMapEntries)
	}
	return nil
}

// mapLeaves refuses leaves that are not the required key and the value of one map entry,
// whose levels Pick and SkipMapRows read from the value alone.
func mapLeaves(keys, vals *Column) error {
	if keys.MaxRep != 1 || vals.MaxRep != 1 || keys.MaxDef < 1 || vals.MaxDef < keys.MaxDef || vals.MaxDef > keys.MaxDef+1 {
		return errors.New("parquet: not the key and value leaves of a map")
	}
	return nil
}

// mapPages readies the next page of each leaf of a map whose current one is used up, once
// the block of levels before is walked; done when every row asked has begun (at) and both
// chunks have ended.
func mapPages(keys, vals *Column, at bool) (done bool, err error) {
	kEnd, vEnd := keys.left == 0 && keys.levelsLeft == 0, vals.left == 0 && vals.levelsLeft == 0
	switch {
	case kEnd && vEnd && at:
		return true, nil
	case kEnd || vEnd:
		// One chunk has ended and the other goes on, or rows are asked past both.
		if kEnd != vEnd {
			return true, ErrMapEntries
		}
		return true, fmt.Errorf("parquet: column chunk ends %d rows early", vals.rowsLeft)
	}
	for _, c := range [2]*Column{keys, vals} {
		if c.left == 0 {
			if err := c.next(); err != nil {
				return true, err
			}
		}
	}
	return false, nil
}

// SkipMapRows passes over the next rows rows of a map's key leaf keys and value leaf vals
// without reading their values, the value leaf's levels standing for both as in Pick: the
// repetition levels are counted a byte at a time where they are bit-packed, and the
// dictionary indices of the rows' entries are stepped over. The key leaf's levels are left
// for sameLevels to check when the page is next read (passedLevels).
func SkipMapRows(keys, vals *Column, rows int) error {
	if err := mapLeaves(keys, vals); err != nil {
		return err
	}
	kFull, vFull := uint32(keys.MaxDef), uint32(vals.MaxDef)
	r := 0
	for {
		if vals.lv.at < vals.lv.n {
			// Levels a Pick decoded and left: they lie within both leaves' pages.
			withKey, withValue, next, from := 0, 0, false, vals.lv.at
			for ; vals.lv.at < vals.lv.n; vals.lv.at++ {
				def := vals.lv.def[vals.lv.at]
				if vals.lv.rep[vals.lv.at] == 0 {
					if next = r == rows; next {
						break
					}
					if vals.rowsLeft == 0 {
						return errRowGroupRows
					}
					r++
					vals.rowsLeft--
				}
				withKey += b2i(def >= kFull)
				withValue += b2i(def == vFull)
				vals.left--
				keys.left--
			}
			if err := sameLevels(keys, vals.lv.rep[from:vals.lv.at], vals.lv.def[from:vals.lv.at]); err != nil {
				return err
			}
			if err := skipEntries(keys, vals, withKey, withValue); err != nil || next {
				return err // next: row rows+1 starts in the block
			}
			continue
		}
		if done, err := mapPages(keys, vals, r == rows); done || err != nil {
			return err
		}
		m := min(keys.left, vals.left)
		n, started, err := vals.rep.passRows(rows-r, m)
		if err != nil {
			return err
		}
		if int64(started) > vals.rowsLeft {
			return errRowGroupRows
		}
		withKey, withValue, err := vals.def.countEntries(n, kFull, vFull)
		if err != nil {
			return err
		}
		keys.passedLevels += n
		keys.passedKeys += withKey
		r += started
		vals.rowsLeft -= int64(started)
		vals.left -= n
		keys.left -= n
		if err := skipEntries(keys, vals, withKey, withValue); err != nil || n < m {
			return err // n < m: row rows+1 starts here
		}
	}
}

// errRowGroupRows: a repeated column's levels start more rows than its row group holds.
var errRowGroupRows = errors.New("parquet: repeated column holds more rows than its row group")

// skipEntries steps over the dictionary indices of withKey keys and withValue values.
func skipEntries(keys, vals *Column, withKey, withValue int) error {
	if err := keys.idx.skip(withKey); err != nil {
		return err
	}
	return vals.idx.skip(withValue)
}

// pickBlock walks the entries of one block, found[*row] being the row of the entry before
// it, and appends the value indices of the rows' first entries to pass. Without branches on
// the data, whose outcomes no predictor guesses: each entry's value index is written and
// kept only when it passes. defs are the value leaf's definition levels, kIdx and vIdx the
// block's key and value indices.
func pickBlock(reps, defs []uint32, kFull, vFull uint32, kIdx, vIdx []uint32, kOK, vOK, found []bool,
	row *int, out []uint32, starts int) []uint32 {
	// One more of each, so that the entries after the last key or value index it unchecked.
	kIdx, vIdx = append(kIdx, 0), append(vIdx, 0)
	p := len(out)
	// Rows passing: at most the rows begun here and the one going on; and a slot for the
	// entries after the last to pass.
	buf := slices.Grow(out, starts+2)[:p+starts+2]
	r, k, v := *row, 0, 0
	for j, rep := range reps {
		r += int(rep ^ 1)
		done := b2i(found[r]) // the row is left out or has its entry
		vi := vIdx[v]
		hk, hv := b2i(defs[j] >= kFull), b2i(defs[j] == vFull)
		hit := hk & hv & b2i(kOK[kIdx[k]]) & b2i(vOK[vi]) &^ done
		buf[p] = vi
		p += hit
		found[r] = done|hit != 0
		k += hk
		v += hv
	}
	*row = r
	return buf[:p]
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// indices reads the dictionary indices of the next n entries with a key or a value, and
// returns them with the largest.
func (c *Column) indices(n int) ([]uint32, uint32, error) {
	if n > 0 && !c.dict {
		return nil, 0, errors.New("parquet: PLAIN values in a repeated column")
	}
	c.vals = slices.Grow(c.vals[:0], n)[:n]
	top, err := c.idx.read(c.vals)
	return c.vals, top, err
}
