// Command curnorm streams AWS Cost and Usage Report files and reports what was actually paid.
package main

import (
	"context"
	"os"
)

func main() {
	ios := systemIO()
	ctx, stop := withSignals(context.Background(), ios.ErrOut)
	code := run(ctx, os.Args[1:], ios)
	stop()
	os.Exit(code)
}
