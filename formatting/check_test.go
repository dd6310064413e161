package formatting

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

var datePattern = regexp.MustCompile(`<!date\^[0-9]+\^(\{date_short_pretty\} \{time\}|\{time\}|\{date_short\})\|[^<>|^&]*>`)

// checkMessage asserts every Slack limit and that no control sequence other
// than our date tokens (and the trusted FileNote) is in any text, and returns
// the message as indented JSON.
func checkMessage(t *testing.T, msg Message, fileNote string) []byte {
	t.Helper()
	js, err := json.MarshalIndent(struct {
		Text   string `json:"text"`
		Blocks any    `json:"blocks"`
	}{msg.Text, msg.Blocks}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if len(msg.Blocks) > MaxBlocks || len(msg.Blocks) == 0 {
		t.Errorf("%d blocks", len(msg.Blocks))
	}
	if msg.Text == "" || strings.Contains(msg.Text, "<") || utf16Len(msg.Text) > 4000 {
		t.Errorf("fallback text %q", msg.Text)
	}
	var doc struct {
		Blocks []map[string]any `json:"blocks"`
	}
	if err := json.Unmarshal(js, &doc); err != nil {
		t.Fatal(err)
	}
	total := 0
	for i, blk := range doc.Blocks {
		typ, _ := blk["type"].(string)
		texts := textObjects(blk)
		for _, o := range texts {
			s := o["text"].(string)
			n := utf16Len(s)
			total += n
			if n == 0 || n > 3000 {
				t.Errorf("block %d (%s): text of %d chars", i, typ, n)
			}
			switch o["type"] {
			case "mrkdwn":
				rest := datePattern.ReplaceAllString(s, "")
				if fileNote != "" {
					rest = strings.ReplaceAll(rest, fileNote, "")
				}
				if strings.Contains(rest, "<") || strings.Contains(rest, ">") {
					t.Errorf("block %d (%s): unescaped control sequence in %q", i, typ, s)
				}
			case "plain_text":
				if strings.ContainsAny(s, "<>") {
					t.Errorf("block %d (%s): unescaped < or > in plain_text %q", i, typ, s)
				}
			default:
				t.Errorf("block %d: text object type %v", i, o["type"])
			}
		}
		switch typ {
		case "header":
			if s := blk["text"].(map[string]any)["text"].(string); utf16Len(s) > 150 {
				t.Errorf("header of %d chars", utf16Len(s))
			}
		case "section":
			if f, ok := blk["fields"].([]any); ok {
				if len(f) > 10 {
					t.Errorf("section with %d fields", len(f))
				}
				for _, x := range f {
					if n := utf16Len(x.(map[string]any)["text"].(string)); n > 2000 {
						t.Errorf("field of %d chars", n)
					}
				}
			}
		case "context":
			if e := blk["elements"].([]any); len(e) > 10 || len(e) == 0 {
				t.Errorf("context with %d elements", len(e))
			}
		}
	}
	if total > 11000 {
		t.Errorf("total text %d chars", total)
	}
	return append(js, '\n')
}

// textObjects returns every text object inside a block.
func textObjects(v any) []map[string]any {
	var out []map[string]any
	switch x := v.(type) {
	case map[string]any:
		if typ, ok := x["type"].(string); ok && (typ == "mrkdwn" || typ == "plain_text") {
			if _, ok := x["text"].(string); ok {
				return append(out, x)
			}
		}
		for _, k := range slices.Sorted(mapKeys(x)) {
			out = append(out, textObjects(x[k])...)
		}
	case []any:
		for _, e := range x {
			out = append(out, textObjects(e)...)
		}
	}
	return out
}

func mapKeys(m map[string]any) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// checkCSV asserts the file round-trips through encoding/csv with one row
// per record of the report's people and one per no-show, and no
// formula-looking cell.
func checkCSV(t *testing.T, data []byte, r *Report) {
	t.Helper()
	if !bytes.HasPrefix(data, []byte("\uFEFF")) {
		t.Fatal("CSV without BOM")
	}
	rows, err := csv.NewReader(bytes.NewReader(data[3:])).ReadAll()
	if err != nil {
		t.Fatalf("CSV does not parse: %v", err)
	}
	if len(rows) != r.Sessions+len(r.NoShows)+1 || !slices.Equal(rows[0], CSVHeader) {
		t.Fatalf("CSV has %d rows for %d records and %d no-shows (header %v)", len(rows)-1, r.Sessions, len(r.NoShows), rows[0])
	}
	var got, want []string
	for i, row := range rows[1:] {
		for j, c := range row {
			if c != "" && strings.ContainsRune("=@\t\r", rune(c[0])) || c != "" && (c[0] == '+' || c[0] == '-') && !plainNumber(c) {
				t.Errorf("row %v: cell %d %q looks like a formula", row[0], j, c)
			}
		}
		if i >= r.Sessions {
			if row[17] != LevelNoShow || row[2]+row[7]+row[9]+row[11]+row[12] != "" {
				t.Errorf("no-show row %q", row)
			}
			continue
		}
		got = append(got, row[9]+"/"+row[10])
	}
	for _, p := range r.People {
		for _, s := range p.Sessions {
			l := ""
			if s.Leave != 0 {
				l = strconv.FormatInt(s.Leave, 10)
			}
			want = append(want, strconv.FormatInt(s.Join, 10)+"/"+l)
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("CSV join/leave pairs differ from the records")
	}
}
