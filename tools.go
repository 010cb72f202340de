//go:build tools

package main

import (
	_ "github.com/apache/arrow-go/v18/parquet/pqarrow"
	_ "github.com/klauspost/compress/gzip"
	_ "github.com/olekukonko/tablewriter"
	_ "github.com/rogpeppe/go-internal/testscript"
	_ "github.com/spf13/cobra"
	_ "github.com/xitongsys/parquet-go/writer"
)

func main() {}
