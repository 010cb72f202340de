package cur

import (
	"errors"
	"sort"

	"github.com/curnorm/curnorm/cur/money"
)

// Reasons a row is skipped under Request.SkipBadRows, and the one callers give a file they
// could not read to its end.
const (
	SkipInvalidNumber  = "invalid number"
	SkipOutOfRange     = "number out of range"
	SkipNarrowRow      = "narrow row"
	SkipBadMapCell     = "bad map cell"
	SkipBadValue       = "bad value" // a cell of a type that holds no amount
	SkipUnreadableFile = "unreadable file"
)

// SkipCount is how many rows of one file were skipped for one reason.
type SkipCount struct {
	File   string `json:"file"`
	Reason string `json:"reason"`
	// Rows of an unreadable file are the rows read before the failure, left out with the
	// rest of the file (how many rows came after it is unknown).
	Rows int64 `json:"rows"`
	// First is the error of the first such row, or of the file's failure: it names the line or
	// row group, the column and the value.
	First string `json:"first"`
}

// skips counts a reader's skipped rows by reason.
type skips struct {
	file     string
	byReason map[string]*SkipCount
}

// add counts one skipped row; its reason comes from err's number class, else otherwise.
func (s *skips) add(err error, otherwise string) {
	reason := otherwise
	switch {
	case errors.Is(err, money.ErrInvalidNumber):
		reason = SkipInvalidNumber
	case errors.Is(err, money.ErrOutOfRange):
		reason = SkipOutOfRange
	}
	if s.byReason == nil {
		s.byReason = map[string]*SkipCount{}
	}
	c := s.byReason[reason]
	if c == nil {
		c = &SkipCount{File: s.file, Reason: reason, First: err.Error()}
		s.byReason[reason] = c
	}
	c.Rows++
}

// list returns the counts sorted by reason.
func (s *skips) list() []SkipCount {
	out := make([]SkipCount, 0, len(s.byReason))
	for _, c := range s.byReason {
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Reason < out[j].Reason })
	return out
}
