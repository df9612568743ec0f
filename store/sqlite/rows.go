package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// maxRowsChunk is the most rows one multi-row statement carries: 256 × 20
// variables (a message) stays well below SQLite's limit of 32766.
const maxRowsChunk = 256

// multiRow is a statement that writes many rows from one VALUES list:
// head, then width-placeholder rows separated by commas, then tail.
type multiRow struct {
	head, tail string
	width      int
}

// sql is the statement for n rows.
func (m multiRow) sql(n int) string {
	row := "(" + placeholders(m.width) + ")"
	var b strings.Builder
	b.Grow(len(m.head) + n*(len(row)+2) + len(m.tail))
	b.WriteString(m.head)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	b.WriteString(m.tail)
	return b.String()
}

// chunkSize is the rows the next statement of a write of n takes: the
// largest power of two not over n (nor maxRowsChunk). Writes of any length
// thus share a handful of statements per shape, each prepared once and kept
// in the statement cache, where one statement per length would crowd it.
func chunkSize(n int) int {
	c := 1
	for c*2 <= n && c*2 <= maxRowsChunk {
		c *= 2
	}
	return c
}

// execRows writes the rows of args (m.width values a row) with as few
// statements as chunkSize allows, in order. after, when not nil, sees each
// statement's result with the index of its first row and its row count.
func (q *queries) execRows(ctx context.Context, m multiRow, args []any, after func(first, n int, res sql.Result) error) error {
	if len(args)%m.width != 0 {
		return fmt.Errorf("%d values for rows of %d", len(args), m.width)
	}
	rows := len(args) / m.width
	for first := 0; first < rows; {
		n := chunkSize(rows - first)
		query := m.sql(n)
		st, err := q.prepared(ctx, q.w, query)
		if err != nil {
			return err
		}
		res, err := st.ExecContext(ctx, query, args[first*m.width:(first+n)*m.width]...)
		if err != nil {
			return err
		}
		if after != nil {
			if err := after(first, n, res); err != nil {
				return err
			}
		}
		first += n
	}
	return nil
}
