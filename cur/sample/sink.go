package sample

import (
	"errors"
	"io"
	"strconv"
	"sync/atomic"

	"github.com/curnorm/curnorm/cur/pqwrite"
	"github.com/klauspost/compress/gzip"
)

// GzipLevel is the compression level of .csv.gz files. On generated CUR text level 1 packs
// about 5.4:1 at some 1.4 times the speed of level 6 (6.6:1), and gzip is most of the cost of
// writing a .csv.gz.
const GzipLevel = gzip.BestSpeed

const chunkSize = 1 << 20

// chunkPipe hands CSV text to a goroutine that compresses and writes it, so rendering and
// gzip run on two cores.
type chunkPipe struct {
	ch     chan []byte
	free   chan []byte
	done   chan error
	failed atomic.Bool // writing failed: stop rendering
}

func newChunkPipe(w io.Writer, gz bool) *chunkPipe {
	p := &chunkPipe{ch: make(chan []byte, 2), free: make(chan []byte, 4), done: make(chan error, 1)}
	for i := 0; i < cap(p.free); i++ {
		p.free <- make([]byte, 0, chunkSize+64<<10)
	}
	go func() {
		dst := w
		var z *gzip.Writer
		var err error
		if gz {
			z, err = gzip.NewWriterLevel(w, GzipLevel)
			dst = z
		}
		for b := range p.ch {
			if err == nil {
				if _, err = dst.Write(b); err != nil {
					p.failed.Store(true)
				}
			}
			p.free <- b[:0]
		}
		if z != nil {
			if cerr := z.Close(); err == nil {
				err = cerr
			}
		}
		p.done <- err
	}()
	return p
}

// csvSink writes CSV text: legacy headers or CUR 2.0 names, maps as JSON cells.
type csvSink struct {
	b    *bill
	l    *layout
	pipe *chunkPipe
	buf  []byte
}

func newCSVSink(w io.Writer, b *bill, gz bool) (*csvSink, error) {
	s := &csvSink{b: b, l: b.layout, pipe: newChunkPipe(w, gz)}
	s.buf = <-s.pipe.free
	for i, c := range s.l.cols {
		if i > 0 {
			s.buf = append(s.buf, ',')
		}
		s.buf = appendCSV(s.buf, c.name)
	}
	s.buf = append(s.buf, '\n')
	return s, nil
}

func (s *csvSink) row(r *row) error {
	buf := s.buf
	cols := s.l.cols
	for i := 0; i < len(cols); i++ {
		if i > 0 {
			buf = append(buf, ',')
		}
		if i == s.l.blockStart {
			buf = append(buf, r.prod.block...)
			i = s.l.blockEnd - 1
			continue
		}
		buf = s.field(buf, &cols[i], r)
	}
	buf = append(buf, '\n')
	if len(buf) >= chunkSize {
		s.pipe.ch <- buf
		buf = <-s.pipe.free
		if s.pipe.failed.Load() {
			s.buf = buf
			return errWriteFailed
		}
	}
	s.buf = buf
	return nil
}

// errWriteFailed stops a part whose output cannot be written; close reports the cause.
var errWriteFailed = errors.New("sample: write failed")

func (s *csvSink) close() error {
	if len(s.buf) > 0 {
		s.pipe.ch <- s.buf
	}
	s.buf = nil
	close(s.pipe.ch)
	return <-s.pipe.done
}

func (s *csvSink) abort() error {
	close(s.pipe.ch)
	return <-s.pipe.done
}

// productBlock renders the layout's product-only columns of p.
func (s *csvSink) productBlock(p *product) []byte {
	r := &row{prod: p}
	var out []byte
	for i := s.l.blockStart; i < s.l.blockEnd; i++ {
		if i > s.l.blockStart {
			out = append(out, ',')
		}
		out = s.field(out, &s.l.cols[i], r)
	}
	return out
}

func (s *csvSink) field(buf []byte, c *column, r *row) []byte {
	b := s.b
	switch c.kind {
	case fStr:
		return appendCSV(buf, r.s[c.idx])
	case fAmt:
		if r.has&(1<<c.idx) != 0 {
			return r.a[c.idx].Append(buf)
		}
		return buf
	case fConst:
		return appendCSV(buf, c.konst)
	case fNull:
		return buf
	case fProd:
		return appendCSV(buf, r.prod.vals[c.idx])
	case fProdUnit:
		return appendCSV(buf, r.prod.unit)
	case fLineItemID:
		return appendLineItemID(buf, &r.id)
	case fTimeInterval:
		return append(buf, b.interval(r)...)
	case fInvoice:
		return append(buf, b.invoice...)
	case fPayer:
		return append(buf, b.accounts[0].id...)
	case fPayerName:
		return appendCSV(buf, b.accounts[0].name)
	case fAccount:
		return append(buf, b.accounts[r.acct].id...)
	case fAccountName:
		return appendCSV(buf, b.accounts[r.acct].name)
	case fPeriodStart:
		return append(buf, b.hourText[0]...)
	case fPeriodEnd:
		return append(buf, b.hourText[b.period]...)
	case fUsageStart:
		return append(buf, b.hourText[r.h0]...)
	case fUsageEnd:
		return append(buf, b.hourText[r.h1]...)
	case fResource:
		return b.appendResource(buf, r)
	case fTagTeam:
		return appendCSV(buf, teams[r.team])
	case fTagEnv:
		return appendCSV(buf, envs[r.env])
	case fCostCat:
		return appendCSV(buf, teams[r.costCat])
	case fProductMap:
		return appendCSV(buf, jsonObject(r.prod.mapKeys, r.prod.mapVals))
	case fResourceTagsMap:
		return append(buf, b.tagJSON[0][r.team][r.env]...)
	case fTagsMap:
		return append(buf, b.tagJSON[1][r.team][r.env]...)
	case fCostCatMap:
		return append(buf, b.costCatJSON[r.costCat]...)
	case fDiscountMap:
		return append(buf, "{}"...)
	}
	panic("sample: unknown field kind")
}

func (b *bill) interval(r *row) string {
	if r.h1 == r.h0+1 {
		return b.hourInterval[r.h0]
	}
	return b.monthInterval
}

// appendCSV appends a field, quoted the way encoding/csv quotes.
func appendCSV(dst []byte, s string) []byte {
	need := len(s) > 0 && (s[0] == ' ' || s[0] == '\t')
	for i := 0; i < len(s) && !need; i++ {
		need = csvSpecial[s[i]]
	}
	if !need {
		return append(dst, s...)
	}
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			dst = append(dst, '"')
		}
		dst = append(dst, s[i])
	}
	return append(dst, '"')
}

var csvSpecial = [256]bool{',': true, '"': true, '\n': true, '\r': true}

const base32 = "abcdefghijklmnopqrstuvwxyz234567"

// appendLineItemID writes 52 base-32 characters, the shape of AWS's line item ids.
func appendLineItemID(dst []byte, id *[4]uint64) []byte {
	for _, x := range id {
		for k := 0; k < 13; k++ {
			dst = append(dst, base32[x&31])
			x >>= 5
		}
	}
	return dst
}

var resourceWords = []string{"orders", "users", "images", "events", "billing", "search", "metrics", "sessions"}

func appendHex16(dst []byte, x uint64) []byte {
	const hex = "0123456789abcdef"
	for k := 60; k >= 0; k -= 4 {
		dst = append(dst, hex[x>>k&15])
	}
	return dst
}

func (b *bill) appendARN(dst []byte, service string, r *row) []byte {
	dst = append(dst, "arn:aws:"...)
	dst = append(dst, service...)
	dst = append(dst, ':')
	dst = append(dst, regions[r.resReg].code...)
	dst = append(dst, ':')
	dst = append(dst, b.accounts[r.acct].id...)
	return append(dst, ':')
}

// appendResource writes the row's resource id; resources are named from their hash, so the
// same resource reads the same on every row.
func (b *bill) appendResource(dst []byte, r *row) []byte {
	if r.res == resNone {
		return appendCSV(dst, r.resText)
	}
	h := r.resHash
	word := resourceWords[h>>32%uint64(len(resourceWords))]
	k := strconv.Itoa(int(h >> 40 % 100))
	switch r.res {
	case resInstance:
		return appendHex16(append(dst, "i-0"...), h)
	case resVolume:
		return appendHex16(append(dst, "vol-0"...), h)
	case resSnapshot:
		return appendHex16(append(b.appendARN(dst, "ec2", r), "snapshot/snap-0"...), h)
	case resBucket:
		dst = append(dst, word...)
		dst = append(dst, '-')
		dst = append(dst, b.accounts[r.acct].id[8:]...)
		dst = append(dst, '-')
		dst = append(dst, regions[r.resReg].code...)
		return append(append(dst, '-'), k...)
	case resDB:
		return append(append(append(b.appendARN(dst, "rds", r), "db:"...), word...), "-db-"+k...)
	case resFunction:
		return append(append(append(b.appendARN(dst, "lambda", r), "function:"...), word...), "-"+k...)
	case resLogGroup:
		return append(append(append(b.appendARN(dst, "logs", r), "log-group:/aws/lambda/"...), word...), "-"+k...)
	case resTable:
		return append(append(append(b.appendARN(dst, "dynamodb", r), "table/"...), word...), "-"+k...)
	case resNAT:
		return appendHex16(append(b.appendARN(dst, "ec2", r), "natgateway/nat-0"...), h)
	case resEndpoint:
		return appendHex16(append(dst, "vpce-0"...), h)
	case resCluster:
		return append(append(b.appendARN(dst, "eks", r), "cluster/"...), word+"-cluster"...)
	case resAddress:
		return appendHex16(append(dst, "eipalloc-0"...), h)
	}
	return dst
}

// parquetSink writes Parquet the way AWS does: DOUBLE money, TIMESTAMP dates, text ids and
// rates, and for CUR 2.0 MAP columns.
type parquetSink struct {
	b       *bill
	l       *layout
	pw      *pqwrite.Writer
	scratch []byte
}

func newParquetSink(w io.Writer, b *bill) (*parquetSink, error) {
	cols := make([]pqwrite.Column, len(b.layout.cols))
	for i, c := range b.layout.cols {
		cols[i] = pqwrite.Column{Name: c.name, Type: c.typ}
	}
	pw, err := pqwrite.New(w, cols, pqwrite.Options{RowGroupRows: b.o.RowGroupRows})
	if err != nil {
		return nil, err
	}
	return &parquetSink{b: b, l: b.layout, pw: pw}, nil
}

func (s *parquetSink) str(i int, v string) {
	if v != "" {
		s.pw.SetString(i, v)
	}
}

func (s *parquetSink) row(r *row) error {
	b, pw := s.b, s.pw
	const hourMs = 3_600_000
	for i := range s.l.cols {
		c := &s.l.cols[i]
		switch c.kind {
		case fStr:
			s.str(i, r.s[c.idx])
		case fAmt:
			if r.has&(1<<c.idx) != 0 {
				pw.SetAmount(i, r.a[c.idx])
			}
		case fConst:
			s.str(i, c.konst)
		case fNull:
		case fProd:
			s.str(i, r.prod.vals[c.idx])
		case fProdUnit:
			s.str(i, r.prod.unit)
		case fLineItemID:
			s.scratch = appendLineItemID(s.scratch[:0], &r.id)
			pw.SetBytes(i, s.scratch)
		case fTimeInterval:
			pw.SetString(i, b.interval(r))
		case fInvoice:
			s.str(i, b.invoice)
		case fPayer:
			pw.SetString(i, b.accounts[0].id)
		case fPayerName:
			pw.SetString(i, b.accounts[0].name)
		case fAccount:
			pw.SetString(i, b.accounts[r.acct].id)
		case fAccountName:
			pw.SetString(i, b.accounts[r.acct].name)
		case fPeriodStart:
			pw.SetInt64(i, b.startMs)
		case fPeriodEnd:
			pw.SetInt64(i, b.startMs+int64(b.period)*hourMs)
		case fUsageStart:
			pw.SetInt64(i, b.startMs+int64(r.h0)*hourMs)
		case fUsageEnd:
			pw.SetInt64(i, b.startMs+int64(r.h1)*hourMs)
		case fResource:
			if r.res != resNone || r.resText != "" {
				s.scratch = b.appendResource(s.scratch[:0], r)
				pw.SetBytes(i, s.scratch)
			}
		case fTagTeam:
			s.str(i, teams[r.team])
		case fTagEnv:
			s.str(i, envs[r.env])
		case fCostCat:
			s.str(i, teams[r.costCat])
		case fProductMap:
			pw.SetMap(i, r.prod.mapKeys, r.prod.mapVals)
		case fResourceTagsMap:
			kv := &b.tagKV[0][r.team][r.env]
			pw.SetMap(i, kv[0], kv[1])
		case fTagsMap:
			kv := &b.tagKV[1][r.team][r.env]
			pw.SetMap(i, kv[0], kv[1])
		case fCostCatMap:
			kv := &b.costCatKV[r.costCat]
			pw.SetMap(i, kv[0], kv[1])
		case fDiscountMap:
			pw.SetMap(i, nil, nil)
		}
	}
	return pw.EndRow()
}

func (s *parquetSink) close() error { return s.pw.Close() }
func (s *parquetSink) abort() error { return s.pw.Close() }
