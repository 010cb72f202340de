// Command curnorm streams AWS Cost and Usage Report files and reports what was actually paid.
package main

import (
	"context"
	"os"
)

func main() {
	ios := systemIO()
	os.Exit(run(context.Background(), os.Args[1:], ios))
}
