package sqlquery

import (
	"fmt"
	"slices"
	"strings"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/sample"
)

// Columns are the columns of the CUR table a query reads, by canonical name: the query reads
// a column where a curnorm reader would find it (a flat column, or a key of a CUR 2.0 map) and
// puts a typed literal of curnorm's meaning where the table lacks it.
type Columns struct {
	// From says where the columns come from, for the query's header.
	From  string
	names []string
	// assumeFlat: a name not among names is a flat column all the same (legacy CUR, whose
	// columns vary by month and by tag), unless the flavour never has it.
	assumeFlat bool
	never      []string
}

// SchemaColumns are the columns of CUR files read with cur.Open: the union of their schemas.
func SchemaColumns(from string, schemas ...*cur.Schema) Columns {
	c := Columns{From: from}
	for _, s := range schemas {
		for _, n := range s.Columns {
			if !slices.Contains(c.names, n) {
				c.names = append(c.names, n)
			}
		}
	}
	return c
}

// Flavours are the values of --flavour.
var Flavours = []string{"legacy", "cur2"}

// FlavourColumns are the documented columns of a flavour. legacy: every column read is a flat
// snake_case column (as AWS's Athena integration names them), tags and cost categories
// included, but for the columns only CUR 2.0 has; cur2: CUR 2.0's fixed columns, product
// attributes other than its flat ones, tags and cost categories read from their maps.
func FlavourColumns(name string) (Columns, error) {
	var f cur.Flavour
	switch name {
	case "legacy":
		f = cur.LegacyParquet
	case "cur2":
		f = cur.CUR2Parquet
	default:
		return Columns{}, fmt.Errorf("unknown flavour %q (valid: %s)", name, strings.Join(Flavours, ", "))
	}
	names, err := sample.Names(f)
	if err != nil {
		return Columns{}, err
	}
	c := Columns{From: "--flavour " + name, names: names}
	if f == cur.LegacyParquet {
		c.assumeFlat = true
		c.never = []string{"line_item_usage_account_name", "bill_payer_account_name"}
	}
	return c, nil
}

// places lists where name is read, in order of preference; none when the table lacks it.
// CUR 2.0's tags map is left out: its keys are legacy header names, which SQL cannot compare
// in curnorm's snake_case form (resource_tags, which every CUR 2.0 export has, holds the same tags).
func (c Columns) places(name string) []cur.Place {
	if name == "" {
		return nil
	}
	if c.assumeFlat && !slices.Contains(c.never, name) {
		return []cur.Place{{Column: name}}
	}
	return slices.DeleteFunc(cur.Places(c.names, name), func(p cur.Place) bool { return p.LegacyKeys })
}

// Has reports whether the table has a column of that canonical name.
func (c Columns) Has(name string) bool { return len(c.places(name)) > 0 }
