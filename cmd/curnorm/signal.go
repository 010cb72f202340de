package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"
)

// stopGrace is how long a run may take to wind down after SIGINT or SIGTERM. Readers and
// rollups notice the cancelled context within a batch, but a read blocked on a pipe or a slow
// disk cannot be woken; after stopGrace the process ends anyway.
const stopGrace = time.Second

// interrupt is the cause of a run's context when a signal stopped it.
type interrupt struct {
	sig  os.Signal
	once sync.Once
}

func (in *interrupt) Error() string {
	if in.sig == syscall.SIGTERM {
		return "terminated by SIGTERM"
	}
	return "interrupted by SIGINT"
}

func (in *interrupt) code() int {
	if in.sig == syscall.SIGTERM {
		return exitTerminated
	}
	return exitInterrupted
}

// announce prints the one line an interrupted run ends with, once, whichever of the run and
// the grace timer gets there first.
func (in *interrupt) announce(w io.Writer) {
	in.once.Do(func() { fmt.Fprintln(w, "curnorm: "+in.Error()) })
}

// interruptOf returns the signal that cancelled ctx, or nil.
func interruptOf(ctx context.Context) *interrupt {
	var in *interrupt
	if errors.As(context.Cause(ctx), &in) {
		return in
	}
	return nil
}

// withSignals returns a context the first SIGINT or SIGTERM cancels with an *interrupt cause.
// If the run has not returned stopGrace later, or at a second signal, the temporary output
// files are removed and the process ends with the signal's exit code. stop releases the
// signals once the run has returned.
func withSignals(parent context.Context, errOut io.Writer) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(parent)
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		var in *interrupt
		select {
		case sig := <-sigs:
			in = &interrupt{sig: sig}
			cancel(in)
		case <-done:
			return
		}
		select {
		case <-sigs:
		case <-time.After(stopGrace):
		case <-done:
			return
		}
		removeTemps()
		in.announce(errOut)
		os.Exit(in.code())
	}()
	return ctx, func() {
		signal.Stop(sigs)
		close(done)
		cancel(nil)
	}
}
