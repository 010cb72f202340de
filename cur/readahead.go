package cur

import (
	"io"
	"sync"
)

// readAhead runs a slow producer, such as gzip inflate, in its own goroutine, a few blocks
// ahead of the consumer, so that inflating and parsing use two cores.
type readAhead struct {
	full chan []byte
	free chan []byte
	stop chan struct{}
	once sync.Once
	cur  []byte
	buf  []byte // the block cur points into, returned to free when used up
	err  error  // set by the producer before it closes full
}

const (
	readAheadBlock  = 1 << 20
	readAheadBlocks = 4
)

func newReadAhead(src io.Reader) *readAhead {
	ra := &readAhead{
		full: make(chan []byte, readAheadBlocks),
		free: make(chan []byte, readAheadBlocks),
		stop: make(chan struct{}),
	}
	for i := 0; i < readAheadBlocks; i++ {
		ra.free <- make([]byte, readAheadBlock)
	}
	go ra.produce(src)
	return ra
}

func (ra *readAhead) produce(src io.Reader) {
	defer close(ra.full)
	for {
		var b []byte
		select {
		case b = <-ra.free:
		case <-ra.stop:
			return
		}
		n, err := io.ReadFull(src, b[:cap(b)])
		if n > 0 {
			select {
			case ra.full <- b[:n]:
			case <-ra.stop:
				return
			}
		}
		switch err {
		case nil:
		case io.ErrUnexpectedEOF:
			ra.err = io.EOF // a short last block
			return
		default:
			ra.err = err
			return
		}
	}
}

func (ra *readAhead) Read(p []byte) (int, error) {
	if len(ra.cur) == 0 {
		if ra.buf != nil {
			ra.free <- ra.buf[:cap(ra.buf)]
			ra.buf = nil
		}
		b, ok := <-ra.full
		if !ok {
			return 0, ra.err
		}
		ra.buf, ra.cur = b, b
	}
	n := copy(p, ra.cur)
	ra.cur = ra.cur[n:]
	return n, nil
}

// Close stops the producer; it does not close the source.
func (ra *readAhead) Close() error {
	ra.once.Do(func() { close(ra.stop) })
	return nil
}
