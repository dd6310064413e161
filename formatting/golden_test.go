package formatting

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/attendees-bot/attendees-bot/bot/catalog"
	"github.com/attendees-bot/attendees-bot/formatting/attendance"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenInput is the JSON form of a test meeting. Records use the vendor's
// confAttendeeRecord field names so an API answer's "data" array can be pasted
// in unchanged; the rest tunes Analyze, Summary and WriteCSV.
type goldenInput struct {
	ConfUUID    string         `json:"confUUID"`
	MeetingID   string         `json:"meetingID"`
	Subject     string         `json:"subject"`
	Start       time.Time      `json:"start"` // RFC 3339; omit when unknown
	End         time.Time      `json:"end"`
	Now         time.Time      `json:"now"`
	Zone        string         `json:"zone"` // fixed offset like "+08:00"; empty = UTC
	Lang        string         `json:"lang"`
	InlineLimit int            `json:"inlineLimit"`
	FileNote    string         `json:"fileNote"`
	Search      string         `json:"search"` // people filter (Report.Filter)
	Data        []vendorRecord `json:"data"`
	Invited     []Invitee      `json:"invited"`
}

type vendorRecord struct {
	DisplayName string `json:"displayName"`
	CallNumber  string `json:"callNumber"`
	DeviceType  string `json:"deviceType"`
	JoinTime    int64  `json:"joinTime"`
	LeftTime    int64  `json:"leftTime"`
	MediaType   string `json:"mediaType"`
	DeptName    string `json:"deptName"`
}

func (in *goldenInput) meeting() Meeting {
	m := Meeting{ConfUUID: in.ConfUUID, MeetingID: in.MeetingID, Subject: in.Subject, Start: in.Start, End: in.End, Invited: in.Invited}
	for _, v := range in.Data {
		m.Records = append(m.Records, Record{Name: v.DisplayName, Number: v.CallNumber, Dept: v.DeptName,
			Device: v.DeviceType, Media: v.MediaType, Join: v.JoinTime, Leave: v.LeftTime})
	}
	return m
}

func (in *goldenInput) location(t *testing.T) *time.Location {
	if in.Zone == "" {
		return time.UTC
	}
	z, err := time.Parse("-07:00", in.Zone)
	if err != nil {
		t.Fatalf("zone %q: %v", in.Zone, err)
	}
	_, off := z.Zone()
	return time.FixedZone("UTC"+in.Zone, off)
}

// generated inputs are built in code instead of committing large JSON.
var generated = map[string]func() goldenInput{
	"large1234": func() goldenInput { return bigInput(1234, 400, 7) },
}

// bigInput builds a deterministic meeting of n records over about people
// people with re-joins, devices, departments, open sessions and a few hostile
// names.
func bigInput(n, people int, seed uint64) goldenInput {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	start := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)
	in := goldenInput{Subject: "All hands 全员大会", MeetingID: "98765432", Start: start, End: start.Add(90 * time.Minute),
		Now: start.Add(24 * time.Hour), Zone: "+08:00"}
	devices := []string{"软终端", "Web", "Mobile", "Room", "SIP"}
	media := []string{"视频", "音频", "Video", "Audio"}
	depts := []string{"Sales", "R&D", "研发部", "HR", "Ops", "Legal", "Finance"}
	for i := range n {
		p := i % people
		if i >= people {
			p = rng.IntN(people)
		}
		r := vendorRecord{
			DisplayName: fmt.Sprintf("User %03d", p),
			DeviceType:  devices[rng.IntN(len(devices))],
			MediaType:   media[rng.IntN(len(media))],
			DeptName:    depts[p%len(depts)],
		}
		if p%3 != 0 {
			r.CallNumber = fmt.Sprintf("+86 10 %08d", 10000000+p*7919)
		}
		switch p {
		case 5:
			r.DisplayName = "<!channel> *bold* a&b<c>"
		case 6:
			r.DisplayName = "+8613800138000"
		}
		join := start.Add(time.Duration(rng.IntN(100)-5) * time.Minute).Add(time.Duration(rng.IntN(60000)) * time.Millisecond)
		r.JoinTime = join.UnixMilli()
		if rng.IntN(40) != 0 {
			r.LeftTime = join.Add(time.Duration(rng.IntN(80*60000)) * time.Millisecond).UnixMilli()
		}
		in.Data = append(in.Data, r)
	}
	return in
}

func goldenCases(t *testing.T) map[string]goldenInput {
	files, err := filepath.Glob("testdata/*.json")
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]goldenInput{}
	for _, f := range files {
		if strings.Contains(f, ".golden.") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var in goldenInput
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&in); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		cases[strings.TrimSuffix(filepath.Base(f), ".json")] = in
	}
	for name, gen := range generated {
		cases[name] = gen()
	}
	if len(cases) < 8 {
		t.Fatalf("only %d golden cases found", len(cases))
	}
	return cases
}

func TestGolden(t *testing.T) {
	for name, in := range goldenCases(t) {
		t.Run(name, func(t *testing.T) {
			loc := in.location(t)
			m := in.meeting()
			r := analyze(m, in.Now).Filter(in.Search)
			if _, big := generated[name]; !big {
				report, err := json.MarshalIndent(r, "", "  ")
				if err != nil {
					t.Fatal(err)
				}
				golden(t, name+".report.golden.json", append(report, '\n'))
			}
			for _, aud := range []struct {
				name string
				a    Audience
			}{{"private", Private}, {"shared", Shared}} {
				msg := Summary(r, MessageOptions{Audience: aud.a, Words: catalog.For(in.Lang), InlineLimit: in.InlineLimit, Location: loc, FileNote: in.FileNote})
				js := checkMessage(t, msg, in.FileNote)
				golden(t, name+"."+aud.name+".golden.json", js)
				if aud.a == Private {
					golden(t, name+".golden.txt", []byte(RenderText(msg)))
				}
				var csvBuf bytes.Buffer
				if err := WriteCSV(&csvBuf, r, CSVOptions{Audience: aud.a, Location: loc}); err != nil {
					t.Fatal(err)
				}
				checkCSV(t, csvBuf.Bytes(), r)
				csvName := name + ".golden.csv"
				if aud.a == Shared {
					csvName = name + ".shared.golden.csv"
				}
				if _, big := generated[name]; !big || aud.a == Private {
					golden(t, csvName, csvBuf.Bytes())
				}
				if aud.a == Shared {
					checkMasked(t, in, js, csvBuf.String())
				}
			}
		})
	}
}

// checkMasked makes sure no full call number of the input reaches a shared
// output.
func checkMasked(t *testing.T, in goldenInput, js []byte, csvText string) {
	t.Helper()
	for _, v := range in.Data {
		for _, s := range []string{v.CallNumber, v.DisplayName} {
			if n := attendance.NormalizeNumber(s); len(n) >= 7 && looksLikeNumber(s) {
				if bytes.Contains(js, []byte(n)) || strings.Contains(csvText, n) || strings.Contains(csvText, strings.TrimSpace(s)) {
					t.Errorf("shared output shows number %q", s)
				}
			}
		}
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./formatting -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; run go test ./formatting -update and review the diff\n%s", name, firstDiff(got, want))
	}
}

func firstDiff(got, want []byte) string {
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := range min(len(g), len(w)) {
		if g[i] != w[i] {
			return fmt.Sprintf("line %d:\n got %q\nwant %q", i+1, g[i], w[i])
		}
	}
	return fmt.Sprintf("lengths %d and %d lines", len(g), len(w))
}
