package meeting

import (
	"encoding/json"
	"testing"
	"time"
	"unsafe"
)

func TestDecodeAttendeePageLenient(t *testing.T) {
	body := `{"offset":"0","limit":500,"count":"5","data":[
		{"displayName":"user8002","callNumber":"+991116004380","deviceType":"软终端","joinTime":1574119917872,"leftTime":1574119956881,"mediaType":"视频","deptName":"wangyue"},
		{"displayName":null,"callNumber":12345,"joinTime":"1574119935467","leftTime":null},
		{"displayName":"a\"b\u00e9","joinTime":1.574119935467e12,"leftTime":"","deptName":{"x":1}},
		{},
		42
	]}`
	count, recs, err := decodeAttendeePage([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	want := []Attendee{
		{DisplayName: "user8002", CallNumber: "+991116004380", DeviceType: "软终端", JoinTime: 1574119917872, LeftTime: 1574119956881, MediaType: "视频", DeptName: "wangyue"},
		{CallNumber: "12345", JoinTime: 1574119935467},
		{DisplayName: "a\"bé", JoinTime: 1574119935467},
		{},
		{},
	}
	if count != 5 || len(recs) != len(want) {
		t.Fatalf("decodeAttendeePage = %d, %d records; want 5, %d", count, len(recs), len(want))
	}
	for i := range want {
		if recs[i] != want[i] {
			t.Errorf("record %d = %+v; want %+v", i, recs[i], want[i])
		}
	}
}

func TestParseHistoryTime(t *testing.T) {
	want := time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Time
	}{
		{`"2026-11-25 09:30"`, want},
		{`"2026-11-25 09:30:00"`, want},
		{`"2026-11-25T09:30:00Z"`, want},
		{`1795599000000`, want},
		{`"1795599000000"`, want},
		{`1795599000`, want},
		{`null`, time.Time{}},
		{`""`, time.Time{}},
		{`"yesterday"`, time.Time{}},
		{`0`, time.Time{}},
		{`-5`, time.Time{}},
		{`{}`, time.Time{}},
	}
	for _, tt := range tests {
		var ft flexTime
		if err := json.Unmarshal([]byte(tt.in), &ft); err != nil {
			t.Errorf("unmarshal %s: %v", tt.in, err)
		}
		if got := time.Time(ft); !got.Equal(tt.want) {
			t.Errorf("flexTime(%s) = %v; want %v", tt.in, got, tt.want)
		}
	}
}

// TestDecodeKeepsRepeatsOnce: the device and media types and departments
// that repeat down a page are one copy each (a town hall's 25,000 records
// held 600 KB of copies; issue 11); names and numbers are the record's own.
func TestDecodeKeepsRepeatsOnce(t *testing.T) {
	rec := `{"displayName":"Ann","callNumber":"1","deviceType":"Soft client","mediaType":"Video","deptName":"Sales"}`
	_, recs, err := decodeAttendeePage([]byte(`{"count":2,"data":[` + rec + `,` + rec + `]}`))
	if err != nil || len(recs) != 2 {
		t.Fatalf("decodeAttendeePage = %d records, %v", len(recs), err)
	}
	_, _, parts, err := decodeDetailPage([]byte(`{"data":{"count":2,"data":[{"name":"A","deptName":"Sales","attendeeType":"normal"},{"name":"B","deptName":"Sales","attendeeType":"normal"}]}}`))
	if err != nil || len(parts) != 2 {
		t.Fatalf("decodeDetailPage = %d participants, %v", len(parts), err)
	}
	a, b := recs[0], recs[1]
	for _, same := range [][2]string{{a.DeviceType, b.DeviceType}, {a.MediaType, b.MediaType}, {a.DeptName, b.DeptName},
		{parts[0].DeptName, parts[1].DeptName}, {parts[0].AttendeeType, parts[1].AttendeeType}} {
		if unsafe.StringData(same[0]) != unsafe.StringData(same[1]) {
			t.Errorf("%q is held twice", same[0])
		}
	}
	if a.DeviceType != "Soft client" || a.MediaType != "Video" || a.DeptName != "Sales" || parts[1].AttendeeType != "normal" {
		t.Errorf("record %+v, participant %+v", a, parts[1])
	}
}

func TestDecodeHistoryAndDetail(t *testing.T) {
	count, confs, err := decodeHistoryPage([]byte(`{"count":1,"data":[{"conferenceID":"9601234501","confUUID":"ab","subject":"s","scheduserName":"n","startTime":"2026-11-25 09:30","endTime":"bad","conferenceState":"Destroyed","mediaTypes":"Video","confType":"FUTURE"}]}`))
	if err != nil || count != 1 || len(confs) != 1 {
		t.Fatalf("decodeHistoryPage = %d, %v, %v", count, confs, err)
	}
	if c := confs[0]; c.ConferenceID != "9601234501" || c.SchedulerName != "n" || c.Start.IsZero() || !c.End.IsZero() {
		t.Errorf("conference = %+v", c)
	}
	conf, n, parts, err := decodeDetailPage([]byte(`{"conferenceData":{"subject":"s"},"data":{"count":"2","data":[{"name":"A","role":"1"},{"name":"B","role":null}]}}`))
	if err != nil || conf.Subject != "s" || n != 2 || len(parts) != 2 || parts[0].Role != 1 || parts[1].Name != "B" {
		t.Errorf("decodeDetailPage = %+v, %d, %+v, %v", conf, n, parts, err)
	}
}

func TestDecodeRejectsBrokenJSON(t *testing.T) {
	for _, body := range []string{``, `{`, `<html>502</html>`, `{"data":[{"displayName":"x"}`, `null x`} {
		if _, _, err := decodeAttendeePage([]byte(body)); err == nil {
			t.Errorf("decodeAttendeePage(%q) succeeded; want a syntax error", body)
		}
	}
}

func FuzzDecodeAttendeePage(f *testing.F) {
	for _, s := range []string{
		`{"offset":0,"limit":20,"count":2,"data":[{"displayName":"user8002","callNumber":"+991116004380","deviceType":"软终端","joinTime":1574119917872,"leftTime":1574119956881,"mediaType":"视频","deptName":"wangyue"}]}`,
		`{"count":"3","data":[null,1,"x",{"joinTime":"12"}]}`,
		`{"count":1e30,"data":{}}`,
		`{"count":-1,"data":[{"leftTime":9999999999999999999999}]}`,
		`[]`, `null`, `"x"`, `{`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		count, recs, err := decodeAttendeePage(body)
		if err != nil {
			if count != 0 || recs != nil {
				t.Fatalf("error with results: %d, %v", count, recs)
			}
			return
		}
		if count < 0 {
			t.Fatalf("negative count %d", count)
		}
	})
}

func FuzzDecodeHistoryPage(f *testing.F) {
	for _, s := range []string{
		`{"count":1,"data":[{"conferenceID":"9601234501","startTime":"2026-11-25 09:30","endTime":1795599000000}]}`,
		`{"data":[{"startTime":"9999-99-99 99:99","endTime":"-1"}]}`,
		`{"conferenceData":null}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		_, _, _ = decodeHistoryPage(body)
		_, _, _, _ = decodeDetailPage(body)
		var w wireToken
		_ = decodeLenient(body, &w)
		_ = parseError(400, "id", body)
	})
}
