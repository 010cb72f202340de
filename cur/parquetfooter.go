package cur

import (
	"encoding/binary"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/metadata"
	"github.com/apache/arrow-go/v18/parquet/schema"
	"github.com/curnorm/curnorm/cur/internal/pqfooter"
)

// openParquetFile opens f with its footer trimmed to the leaf columns req reads
// (pqfooter.Trim): the other columns' chunk metadata, most of a wide bill's footer, is never
// decoded nor kept. A footer that cannot be trimmed (encrypted columns, a file of unknown
// size, damage) is decoded whole by arrow-go, whose errors say what is wrong.
func openParquetFile(name string, f randomAccess, size int64, props *parquet.ReaderProperties, req *Request) (*file.Reader, error) {
	if req.wholeFooter {
		return file.NewParquetReader(f, file.WithReadProps(props))
	}
	if meta := trimmedFooter(name, f, size, req); meta != nil {
		return file.NewParquetReader(f, file.WithReadProps(props), file.WithMetadata(meta))
	}
	return file.NewParquetReader(f, file.WithReadProps(props))
}

// trimmedFooter is f's footer decoded for the leaves req reads, or nil.
func trimmedFooter(name string, f io.ReaderAt, size int64, req *Request) *metadata.FileMetaData {
	footer, err := readParquetFooter(f, size)
	if err != nil || string(footer[len(footer)-4:]) != "PAR1" {
		return nil
	}
	footer = footer[:len(footer)-8]
	skeleton, err := pqfooter.SchemaOnly(footer)
	if err != nil {
		return nil
	}
	sm, err := metadata.NewFileMetaData(skeleton, nil)
	if err != nil {
		return nil
	}
	keep := leavesRead(name, sm.Schema, req)
	if keep == nil {
		return nil
	}
	trimmed, err := pqfooter.Trim(footer, keep)
	if err != nil {
		return nil
	}
	meta, err := metadata.NewFileMetaData(trimmed, nil)
	if err != nil {
		return nil
	}
	meta.SetSourceFileSize(size)
	return meta
}

// leavesRead marks the leaf columns of sc that the columns req asks for, tests (Keep) or
// limits by (Where) resolve to, as openParquet resolves them; nil when the file's flavour is
// not known.
func leavesRead(name string, sc *schema.Schema, req *Request) []bool {
	root := sc.Root()
	columns := make([]string, root.NumFields())
	for i := range columns {
		columns[i] = Snake(root.Field(i).Name())
	}
	fl, err := detectFlavour(name, columns, true)
	if err != nil {
		return nil
	}
	fields := make([]bool, len(columns))
	ask := func(name string) {
		for _, p := range resolve(fl, columns, name) {
			fields[p.col] = true
		}
	}
	for _, n := range req.Strings {
		ask(n)
	}
	for _, n := range req.Amounts {
		ask(n)
	}
	for _, t := range req.Keep {
		ask(t.Column)
	}
	for _, t := range req.Where {
		ask(t.Column)
	}
	keep := make([]bool, sc.NumColumns())
	for j := range keep {
		if top := root.FieldIndexByField(sc.ColumnRoot(j)); top >= 0 {
			keep[j] = fields[top]
		}
	}
	return keep
}

// readParquetFooter reads the end of a Parquet file of size bytes: its footer, the footer's
// length and the magic.
func readParquetFooter(ra io.ReaderAt, size int64) ([]byte, error) {
	if size < 12 {
		return nil, fmt.Errorf("a file of %d bytes is too short for a parquet footer", size)
	}
	var tail [8]byte
	if _, err := ra.ReadAt(tail[:], size-8); err != nil {
		return nil, err
	}
	n := int64(binary.LittleEndian.Uint32(tail[:4])) + 8
	if n > size-4 {
		return nil, fmt.Errorf("parquet footer of %d bytes in a file of %d", n, size)
	}
	footer := make([]byte, n)
	if _, err := ra.ReadAt(footer, size-n); err != nil {
		return nil, err
	}
	return footer, nil
}
