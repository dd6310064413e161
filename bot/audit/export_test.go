package audit

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"iter"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/attendees-bot/attendees-bot/bot/store"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func sampleRows() []store.AuditRow {
	lookup := row("e1:lookup", store.AuditLookup)
	csvRow := row("e1:csv", store.AuditCSV)
	csvRow.Audience = store.AudienceDM
	share := row("e2:share", store.AuditShare)
	share.At, share.ChannelID, share.Audience = t0.Add(-time.Hour), "C0GENERAL", store.AudienceChannel
	auto := store.AuditRow{Key: "autopost:1", At: t0.Add(-2 * time.Hour), ChannelID: "C0GENERAL", Action: store.AuditAutopost,
		ConfUUIDs: []string{"1234abcd5678ef901234abcd5678ef90", "5d0c8f3a2b1e4c7d9a6f0e1b2c3d4e51"}, MeetingID: "9601234504",
		Audience: store.AudienceAutopost, People: 1234, Records: 1234, Outcome: "ok"}
	refused := store.AuditRow{Key: "e3:refused", At: t0.Add(-3 * time.Hour), TeamID: "T1", UserID: "U0INTRUDER", ChannelID: "C1",
		Action: store.AuditRefused, Audience: store.AudiencePrivate, Outcome: "refused"}
	return []store.AuditRow{lookup, csvRow, share, auto, refused}
}

func seq(rows []store.AuditRow, err error) iter.Seq2[store.AuditRow, error] {
	return func(yield func(store.AuditRow, error) bool) {
		for _, r := range rows {
			if !yield(r, nil) {
				return
			}
		}
		if err != nil {
			yield(store.AuditRow{}, err)
		}
	}
}

func TestWriteGolden(t *testing.T) {
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{FormatText, FormatCSV, FormatJSON} {
		t.Run(format, func(t *testing.T) {
			var b bytes.Buffer
			n, err := Write(&b, format, seq(sampleRows(), nil), shanghai)
			if err != nil || n != len(sampleRows()) {
				t.Fatalf("Write = %d, %v; want %d rows", n, err, len(sampleRows()))
			}
			golden := filepath.Join("testdata", "export.golden."+format)
			if *update {
				if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b.Bytes(), want) {
				t.Errorf("Write(%s) differs from %s (go test ./bot/audit -update rewrites it):\n%s", format, golden, b.String())
			}
		})
	}
}

func TestWriteCSVAndJSONReadBack(t *testing.T) {
	rows := sampleRows()
	var c, j bytes.Buffer
	if _, err := Write(&c, FormatCSV, seq(rows, nil), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := Write(&j, FormatJSON, seq(rows, nil), nil); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&c).ReadAll()
	if err != nil || len(recs) != len(rows)+1 {
		t.Fatalf("CSV: %d records, %v", len(recs), err)
	}
	dec := json.NewDecoder(&j)
	for i, r := range rows {
		var got jsonRow
		if err := dec.Decode(&got); err != nil {
			t.Fatalf("JSON line %d: %v", i, err)
		}
		rec := recs[i+1]
		at, err := time.Parse(time.RFC3339, rec[0])
		if err != nil || !at.Equal(r.At) || rec[2] != r.UserID || rec[4] != r.Action || rec[5] != r.Audience || rec[9] != strconv.Itoa(r.Records) {
			t.Errorf("CSV row %d = %v; want %+v", i, rec, r)
		}
		if got.User != r.UserID || got.Action != r.Action || len(got.ConfUUIDs) != len(r.ConfUUIDs) || got.People != r.People {
			t.Errorf("JSON row %d = %+v; want %+v", i, got, r)
		}
	}
}

func TestWriteStopsAtAnError(t *testing.T) {
	boom := errors.New("connection reset")
	n, err := Write(&bytes.Buffer{}, FormatCSV, seq(sampleRows()[:2], boom), nil)
	if n != 2 || !errors.Is(err, boom) {
		t.Errorf("Write = %d, %v; want 2 rows then the error", n, err)
	}
	if _, err := Write(&bytes.Buffer{}, "xml", seq(nil, nil), nil); err == nil {
		t.Error("Write(xml) succeeded")
	}
}
