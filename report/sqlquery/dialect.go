package sqlquery

import (
	"fmt"
	"slices"
	"strings"
)

// Dialect is everything the generated SQL says differently per engine; the rest of the query
// is text every engine reads alike (CASE, COALESCE, NULLIF, substr, length, ||, GREATEST).
type Dialect struct {
	Name string
	// Engines the dialect is for, as help and docs/sql.md list them.
	Engines string
	// Text is the type a value is cast to before it is compared as text.
	Text string
	// Decimal is the exact type of money, from the first cast to the final sum.
	Decimal string
	// Integer is the type of row counts.
	Integer string
	// MapGet reads key k of a map column m (NULL when absent).
	MapGet func(m, k string) string
	// Ident quotes an identifier.
	Ident func(string) string
	// String quotes a text literal.
	String func(string) string
}

func doubleQuoted(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func singleQuoted(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// Dialects are the SQL dialects curnorm writes. Athena (engine version 3) is Trino.
var Dialects = []Dialect{
	{
		Name: "athena", Engines: "Amazon Athena (engine version 3)", Text: "varchar", Decimal: "DECIMAL(38,10)", Integer: "bigint",
		MapGet: func(m, k string) string { return "element_at(" + m + ", " + singleQuoted(k) + ")" },
		Ident:  doubleQuoted, String: singleQuoted,
	},
	{
		Name: "trino", Engines: "Trino, Presto", Text: "varchar", Decimal: "DECIMAL(38,10)", Integer: "bigint",
		MapGet: func(m, k string) string { return "element_at(" + m + ", " + singleQuoted(k) + ")" },
		Ident:  doubleQuoted, String: singleQuoted,
	},
	{
		Name: "spark", Engines: "Spark SQL 3 (Glue, EMR, Databricks)", Text: "STRING", Decimal: "DECIMAL(38,10)", Integer: "BIGINT",
		MapGet: func(m, k string) string { return m + "[" + sparkString(k) + "]" },
		Ident:  func(s string) string { return "`" + strings.ReplaceAll(s, "`", "``") + "`" },
		// Spark reads backslash escapes inside literals and does not double quotes.
		String: sparkString,
	},
	{
		Name: "duckdb", Engines: "DuckDB", Text: "VARCHAR", Decimal: "DECIMAL(38,10)", Integer: "BIGINT",
		MapGet: func(m, k string) string { return m + "[" + singleQuoted(k) + "]" },
		Ident:  doubleQuoted, String: singleQuoted,
	},
}

func sparkString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, "'", `\'`).Replace(s) + "'"
}

// DialectNames lists the names --dialect accepts.
func DialectNames() []string {
	out := make([]string, len(Dialects))
	for i, d := range Dialects {
		out[i] = d.Name
	}
	return out
}

// ParseDialect finds a dialect by name.
func ParseDialect(name string) (Dialect, error) {
	i := slices.IndexFunc(Dialects, func(d Dialect) bool { return strings.EqualFold(d.Name, name) })
	if i < 0 {
		return Dialect{}, fmt.Errorf("unknown dialect %q (valid: %s)", name, strings.Join(DialectNames(), ", "))
	}
	return Dialects[i], nil
}

// money casts an expression to the exact money type.
func (d Dialect) money(expr string) string { return "CAST(" + expr + " AS " + d.Decimal + ")" }

// text casts an expression to text.
func (d Dialect) text(expr string) string { return "CAST(" + expr + " AS " + d.Text + ")" }
