package pqpage

import (
	"errors"
	"fmt"
	"slices"
)

// ErrMapEntries: the key and value leaves of a map disagree on where its entries are.
var ErrMapEntries = errors.New("parquet: a map's keys and values hold different entries")

// Pick reads the next len(found) rows of a map's key leaf keys and value leaf vals, which
// share their repetition levels, and finds in each row its first entry whose key passes
// keyOK and whose value is defined and passes valOK (both per dictionary entry, read after
// each page so that a row group's new dictionaries count). found[r] is set for the rows with
// such an entry, whose value indices are appended to out in row order.
//
// Both leaves are walked in step a block of levels at a time, and only the value indices
// are kept: no row's entries are gathered.
func Pick(keys, vals *Column, keyOK, valOK *[]bool, found []bool, out []uint32) ([]uint32, error) {
	if keys.MaxRep != 1 || vals.MaxRep != 1 {
		return out, errors.New("parquet: Pick reads the leaves of a map, whose levels repeat once")
	}
	rows := len(found)
	r := 0    // rows begun
	row := -1 // the row of the entry at hand
	kFull, vFull := uint32(keys.MaxDef), uint32(vals.MaxDef)
	for {
		kAvail, vAvail := keys.lv.n-keys.lv.at, vals.lv.n-vals.lv.at
		if kAvail != vAvail {
			return out, ErrMapEntries
		}
		if kAvail == 0 {
			kEnd, vEnd := keys.left == 0 && keys.rowsLeft == 0, vals.left == 0 && vals.rowsLeft == 0
			if r == rows && (kEnd || vEnd) {
				if kEnd != vEnd {
					return out, ErrMapEntries
				}
				return out, nil // the row group's last row ends with its chunks
			}
			for _, c := range [2]*Column{keys, vals} {
				if c.left == 0 {
					if err := c.next(); err != nil {
						return out, err
					}
				}
			}
			// A block of levels in proportion to the rows asked: what is left of it when they
			// end is walked level by level by SkipRows or read by the next call.
			n := min(keys.left, vals.left, max(64, 8*rows))
			if err := keys.lv.fill(&keys.rep, &keys.def, n, kFull); err != nil {
				return out, err
			}
			if err := vals.lv.fill(&vals.rep, &vals.def, n, vFull); err != nil {
				return out, err
			}
		}
		reps := keys.lv.rep[keys.lv.at:keys.lv.n]
		if !slices.Equal(reps, vals.lv.rep[vals.lv.at:vals.lv.n]) {
			return out, ErrMapEntries
		}
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
		if int64(started) > keys.rowsLeft || int64(started) > vals.rowsLeft {
			return out, errors.New("parquet: repeated column holds more rows than its row group")
		}
		keyDefs, valDefs := keys.lv.def[keys.lv.at:][:end], vals.lv.def[vals.lv.at:][:end]
		kIdx, top, err := keys.defined(keyDefs, kFull)
		if err != nil {
			return out, err
		}
		if len(kIdx) > 0 && top >= uint32(len(*keyOK)) {
			return out, fmt.Errorf("parquet: key dictionary index %d of %d entries", top, len(*keyOK))
		}
		vIdx, top, err := vals.defined(valDefs, vFull)
		if err != nil {
			return out, err
		}
		if len(vIdx) > 0 && top >= uint32(len(*valOK)) {
			return out, fmt.Errorf("parquet: dictionary index %d of %d entries", top, len(*valOK))
		}
		if len(kIdx) == 0 || len(vIdx) == 0 {
			row += started // no entry with both a key and a value
		} else {
			out = pickBlock(reps[:end], keyDefs, valDefs, kFull, vFull, kIdx, vIdx, *keyOK, *valOK, found, &row, out, started)
		}
		r += started
		for _, c := range [2]*Column{keys, vals} {
			c.rowsLeft -= int64(started)
			c.lv.at += end
			c.left -= end
		}
		if end < len(reps) {
			return out, nil // row rows+1 starts here
		}
	}
}

// pickBlock walks the entries of one block, found[*row] being the row of the entry before
// it, and appends the value indices of the rows' first entries to pass. Without branches on
// the data, whose outcomes no predictor guesses: each entry's value index is written and
// kept only when it passes. kIdx and vIdx hold the block's key and value indices.
func pickBlock(reps, keyDefs, valDefs []uint32, kFull, vFull uint32, kIdx, vIdx []uint32, kOK, vOK, found []bool,
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
		hk, hv := b2i(keyDefs[j] == kFull), b2i(valDefs[j] == vFull)
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

// defined reads the dictionary indices of the entries among defs whose level is full, and
// returns them with the largest.
func (c *Column) defined(defs []uint32, full uint32) ([]uint32, uint32, error) {
	n := 0
	for _, d := range defs {
		if d == full {
			n++
		}
	}
	if n > 0 && !c.dict {
		return nil, 0, errors.New("parquet: PLAIN values in a repeated column")
	}
	c.vals = slices.Grow(c.vals[:0], n)[:n]
	top, err := c.idx.read(c.vals)
	return c.vals, top, err
}
