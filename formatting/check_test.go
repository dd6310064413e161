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

// checkReport asserts the invariants of an analysis.
func checkReport(t *testing.T, r *Report) {
	t.Helper()
	joins := 0
	for _, p := range r.People {
		joins += p.Joins
		if p.InMeeting < 0 || p.InMeeting > r.Span {
			t.Errorf("%s: time in meeting %v outside [0, span %v]", p.Key, p.InMeeting, r.Span)
		}
		if p.InMeeting < p.Longest {
			t.Errorf("%s: time in meeting %v < longest session %v", p.Key, p.InMeeting, p.Longest)
		}
		var sum int64
		for _, s := range p.Sessions {
			if s.Length < 0 || s.Length > p.Longest {
				t.Errorf("%s: session length %v outside [0, longest %v]", p.Key, s.Length, p.Longest)
			}
			sum += int64(s.Length)
		}
		if int64(p.InMeeting) > sum {
			t.Errorf("%s: time in meeting %v > sum of sessions %v", p.Key, p.InMeeting, sum)
		}
		if p.Share < 0 || p.Share > 1 {
			t.Errorf("%s: share %v", p.Key, p.Share)
		}
		if p.Joins != len(p.Sessions) {
			t.Errorf("%s: joins %d, sessions %d", p.Key, p.Joins, len(p.Sessions))
		}
	}
	if joins != r.Sessions || r.Sessions != len(r.Meeting.Records) {
		t.Errorf("joins %d, sessions %d, records %d", joins, r.Sessions, len(r.Meeting.Records))
	}
	if r.Peak > len(r.People) || r.Span < 0 {
		t.Errorf("peak %d of %d people, span %v", r.Peak, len(r.People), r.Span)
	}
}

var dateToken = regexp.MustCompile(`<!date\^[0-9]+\^\{date_short_pretty\} \{time\}\|[^<>|^&]*>|<!date\^[0-9]+\^\{time\}\|[^<>|^&]*>`)

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
				rest := dateToken.ReplaceAllString(s, "")
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
// per record and no formula-looking cell.
func checkCSV(t *testing.T, data []byte, recs []Record) {
	t.Helper()
	if !bytes.HasPrefix(data, []byte("\uFEFF")) {
		t.Fatal("CSV without BOM")
	}
	rd := csv.NewReader(bytes.NewReader(data[3:]))
	rows, err := rd.ReadAll()
	if err != nil {
		t.Fatalf("CSV does not parse: %v", err)
	}
	if len(rows) != len(recs)+1 || !slices.Equal(rows[0], CSVHeader) {
		t.Fatalf("CSV has %d rows for %d records (header %v)", len(rows), len(recs), rows[0])
	}
	var got, want []string
	for _, row := range rows[1:] {
		got = append(got, row[9]+"/"+row[10])
		for j, c := range row {
			if c != "" && strings.ContainsRune("=@\t\r", rune(c[0])) || c != "" && (c[0] == '+' || c[0] == '-') && !plainNumber(c) {
				t.Errorf("row %v: cell %d %q looks like a formula", row[0], j, c)
			}
		}
	}
	for _, r := range recs {
		l := ""
		if r.Leave != 0 {
			l = strconv.FormatInt(r.Leave, 10)
		}
		want = append(want, strconv.FormatInt(r.Join, 10)+"/"+l)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("CSV join/leave pairs differ from the records")
	}
}
