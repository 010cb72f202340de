//go:build !pending

package main

import (
	"errors"
	"io"

	"github.com/curnorm/curnorm/report"
)

func newParquetSink(io.Writer) (interface {
	report.RowSink
	Flush() error
}, error) {
	return nil, errors.New("parquet output pending")
}
