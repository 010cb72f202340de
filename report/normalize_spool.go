package report

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/curnorm/curnorm/cur/money"
)

// rowSpool holds the rows of one file in a temporary file until the file has been read to its
// end, so that under --on-error skip a file that fails half way contributes no row. Rows go
// in blocks of at most spoolBlockRows: the block's distinct texts once, then each cell as a
// tag byte (0: empty) and varints. Memory holds one block, whatever the size of the file.
type rowSpool struct {
	types []CellType
	f     *os.File // created on first use
	w     *bufio.Writer

	// the block being written
	block []byte
	rows  int
	texts []string
	ids   map[string]uint32

	// replay
	buf   []byte
	dict  []string
	cells []Cell
}

// spoolBlockRows and spoolBlockBytes bound a block, and so the texts it keeps alive.
const (
	spoolBlockRows  = 8192
	spoolBlockBytes = 1 << 20
)

func newRowSpool(types []CellType) *rowSpool {
	return &rowSpool{types: types, ids: map[string]uint32{}, cells: make([]Cell, len(types))}
}

// Row appends a row to the open block.
func (s *rowSpool) Row(cells []Cell) error {
	for j, c := range cells {
		if c.Empty {
			s.block = append(s.block, 0)
			continue
		}
		s.block = append(s.block, 1)
		switch s.types[j] {
		case CellAmount:
			s.block = binary.AppendVarint(s.block, int64(c.Amount))
		case CellTime:
			s.block = binary.AppendVarint(s.block, c.Time)
			s.block = binary.AppendUvarint(s.block, uint64(s.text(c.Text)))
		default:
			s.block = binary.AppendUvarint(s.block, uint64(s.text(c.Text)))
		}
	}
	if s.rows++; s.rows >= spoolBlockRows || len(s.block) >= spoolBlockBytes {
		return s.flushBlock()
	}
	return nil
}

// text returns the block's id of t.
func (s *rowSpool) text(t string) uint32 {
	id, ok := s.ids[t]
	if !ok {
		id = uint32(len(s.texts))
		s.texts = append(s.texts, t)
		s.ids[t] = id
	}
	return id
}

// flushBlock writes the open block to the temporary file.
func (s *rowSpool) flushBlock() error {
	if s.rows == 0 {
		return nil
	}
	if s.f == nil {
		f, err := os.CreateTemp("", "curnorm-normalize-*.spool")
		if err != nil {
			return fmt.Errorf("normalize: spool: %w", err)
		}
		s.f, s.w = f, bufio.NewWriterSize(f, 1<<16)
	}
	var hdr []byte
	hdr = binary.AppendUvarint(hdr, uint64(len(s.texts)))
	for _, t := range s.texts {
		hdr = binary.AppendUvarint(hdr, uint64(len(t)))
		hdr = append(hdr, t...)
	}
	hdr = binary.AppendUvarint(hdr, uint64(s.rows))
	hdr = binary.AppendUvarint(hdr, uint64(len(s.block)))
	if _, err := s.w.Write(hdr); err != nil {
		return fmt.Errorf("normalize: spool: %w", err)
	}
	if _, err := s.w.Write(s.block); err != nil {
		return fmt.Errorf("normalize: spool: %w", err)
	}
	s.block, s.rows, s.texts = s.block[:0], 0, s.texts[:0]
	clear(s.ids)
	return nil
}

// Reset drops every row spooled.
func (s *rowSpool) Reset() error {
	s.block, s.rows, s.texts = s.block[:0], 0, s.texts[:0]
	clear(s.ids)
	if s.f == nil {
		return nil
	}
	s.w.Reset(s.f)
	if err := s.f.Truncate(0); err != nil {
		return fmt.Errorf("normalize: spool: %w", err)
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("normalize: spool: %w", err)
	}
	return nil
}

// Replay writes every row spooled to sink, in order, then empties the spool.
func (s *rowSpool) Replay(ctx context.Context, sink RowSink) error {
	if err := s.flushBlock(); err != nil {
		return err
	}
	if s.f == nil {
		return nil
	}
	if err := s.w.Flush(); err != nil {
		return fmt.Errorf("normalize: spool: %w", err)
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("normalize: spool: %w", err)
	}
	r := bufio.NewReaderSize(s.f, 1<<16)
	for {
		n, err := binary.ReadUvarint(r)
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("normalize: spool: %w", err)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := s.replayBlock(r, int(n), sink); err != nil {
			return err
		}
	}
	return s.Reset()
}

// replayBlock reads a block whose text count was read and writes its rows to sink.
func (s *rowSpool) replayBlock(r *bufio.Reader, ntexts int, sink RowSink) error {
	s.dict = s.dict[:0]
	for range ntexts {
		b, err := s.readBytes(r)
		if err != nil {
			return err
		}
		s.dict = append(s.dict, string(b))
	}
	rows, err := binary.ReadUvarint(r)
	if err != nil {
		return fmt.Errorf("normalize: spool: %w", err)
	}
	b, err := s.readBytes(r)
	if err != nil {
		return err
	}
	for range rows {
		for j := range s.cells {
			c := Cell{Empty: b[0] == 0}
			b = b[1:]
			if !c.Empty {
				var n int
				switch s.types[j] {
				case CellAmount:
					var v int64
					v, n = binary.Varint(b)
					c.Amount = money.Amount(v)
				case CellTime:
					c.Time, n = binary.Varint(b)
					b = b[n:]
					var id uint64
					id, n = binary.Uvarint(b)
					c.Text = s.dict[id]
				default:
					var id uint64
					id, n = binary.Uvarint(b)
					c.Text = s.dict[id]
				}
				b = b[n:]
			}
			s.cells[j] = c
		}
		if err := sink.Row(s.cells); err != nil {
			return err
		}
	}
	return nil
}

// readBytes reads a length and that many bytes into the replay buffer.
func (s *rowSpool) readBytes(r *bufio.Reader) ([]byte, error) {
	n, err := binary.ReadUvarint(r)
	if err != nil {
		return nil, fmt.Errorf("normalize: spool: %w", err)
	}
	s.buf = slices.Grow(s.buf[:0], int(n))[:n]
	if _, err := io.ReadFull(r, s.buf); err != nil {
		return nil, fmt.Errorf("normalize: spool: %w", err)
	}
	return s.buf, nil
}

// Close removes the temporary file.
func (s *rowSpool) Close() error {
	if s.f == nil {
		return nil
	}
	err := s.f.Close()
	if rmErr := os.Remove(s.f.Name()); err == nil {
		err = rmErr
	}
	return err
}
