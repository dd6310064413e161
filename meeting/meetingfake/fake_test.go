package meetingfake_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/attendees-bot/attendees-bot/meeting"
	"github.com/attendees-bot/attendees-bot/meeting/meetingfake"
)

const (
	appID  = "app"
	appKey = "key"
	token  = "static-token"
	conf   = meetingfake.SampleSyncUUID
)

func start(t *testing.T, cfg meetingfake.Config) *meetingfake.Server {
	t.Helper()
	cfg.AppID, cfg.AppKey, cfg.StaticToken = appID, appKey, token
	if cfg.Conferences == nil {
		cfg.Conferences = meetingfake.Sample(time.Now())
	}
	s, err := meetingfake.Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

type req struct {
	method, path string
	header       map[string]string
	body         string
}

func attendeesReq(query string, header map[string]string) req {
	h := map[string]string{"X-Access-Token": token, "Accept-Language": "en-US"}
	for k, v := range header {
		h[k] = v
	}
	return req{http.MethodGet, "/v1/mmc/management/conferences/history/confAttendeeRecord?" + query, h, ""}
}

func do(t *testing.T, s *meetingfake.Server, r req) (*http.Response, string) {
	t.Helper()
	var body io.Reader
	if r.body != "" {
		body = strings.NewReader(r.body)
	}
	hr, err := http.NewRequestWithContext(t.Context(), r.method, s.URL+r.path, body)
	if err != nil {
		t.Fatal(err)
	}
	hr.Header.Set("User-Agent", "test")
	for k, v := range r.header {
		if v == "<none>" {
			hr.Header.Del(k)
			continue
		}
		hr.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.Header.Get("X-Request-Id") == "" {
		t.Errorf("%s %s: no X-Request-Id", r.method, r.path)
	}
	return resp, string(b)
}

func appAuthReq(mutate func(body map[string]any, h map[string]string)) req {
	now := time.Now().Unix() + 600
	nonce := strings.Repeat("n", 40)
	body := map[string]any{"appId": appID, "clientType": 72, "expireTime": now, "nonce": nonce}
	h := map[string]string{
		"Content-Type": "application/json; charset=UTF-8",
		"X-Token-Type": "LongTicket",
		"Authorization": "HMAC-SHA256 signature=" + meeting.AppAuthSignature(appID, "", "", appKey, now, nonce) +
			",access=" + base64.StdEncoding.EncodeToString([]byte(appID)),
	}
	if mutate != nil {
		mutate(body, h)
	}
	b, _ := json.Marshal(body)
	return req{http.MethodPost, "/v2/usg/acs/auth/appauth", h, string(b)}
}

func TestFakeChecksRequests(t *testing.T) {
	q := "confUUID=" + conf + "&offset=0&limit=500"
	tests := []struct {
		name      string
		r         req
		status    int
		violation string // "" means none expected
	}{
		{"valid", attendeesReq(q, nil), 200, ""},
		{"limit above 500 is clamped", attendeesReq("confUUID="+conf+"&offset=0&limit=501", nil), 200, "limit=501"},
		{"deprecated header", attendeesReq(q, map[string]string{"X-Site-Id": "1"}), 400, "X-Site-Id"},
		{"deprecated auth type", attendeesReq(q, map[string]string{"X-Authorization-Type": "x"}), 400, "X-Authorization-Type"},
		{"deprecated userUUID", attendeesReq(q+"&userUUID=u", nil), 400, "userUUID"},
		{"unknown parameter", attendeesReq(q+"&page=2", nil), 400, "page"},
		{"no language", attendeesReq(q, map[string]string{"Accept-Language": "<none>"}), 400, "Accept-Language"},
		{"bad language", attendeesReq(q, map[string]string{"Accept-Language": "en"}), 400, "Accept-Language"},
		{"no offset", attendeesReq("confUUID="+conf+"&limit=500", nil), 400, "offset"},
		{"no limit", attendeesReq("confUUID="+conf+"&offset=0", nil), 400, "limit"},
		{"no confUUID", attendeesReq("offset=0&limit=500", nil), 400, "confUUID"},
		{"no token", attendeesReq(q, map[string]string{"X-Access-Token": "<none>"}), 400, "X-Access-Token"},
		{"unknown token", attendeesReq(q, map[string]string{"X-Access-Token": "nope"}), 401, ""},
		{"unknown conference", attendeesReq("confUUID=ffffffffffffffffffffffffffffffff&offset=0&limit=500", nil), 400, ""},
		{"wrong method", req{http.MethodPost, "/v1/mmc/management/conferences/history/confAttendeeRecord?" + q, map[string]string{"X-Access-Token": token, "Accept-Language": "en-US"}, ""}, 400, "method"},
		{"unknown path", req{http.MethodGet, "/v1/nope", nil, ""}, 404, "unknown path"},
		{"appauth valid", appAuthReq(nil), 200, ""},
		{"appauth bad signature", appAuthReq(func(b map[string]any, h map[string]string) { b["nonce"] = strings.Repeat("m", 40) }), 401, "signature"},
		{"appauth short nonce", appAuthReq(func(b map[string]any, h map[string]string) { b["nonce"] = "short" }), 400, "nonce"},
		{"appauth client type", appAuthReq(func(b map[string]any, h map[string]string) { b["clientType"] = 71 }), 400, "clientType"},
		{"appauth expired request", appAuthReq(func(b map[string]any, h map[string]string) { b["expireTime"] = 1 }), 400, "expireTime"},
		{"appauth no token type", appAuthReq(func(b map[string]any, h map[string]string) { delete(h, "X-Token-Type") }), 400, "X-Token-Type"},
		{"appauth wrong app", appAuthReq(func(b map[string]any, h map[string]string) { b["appId"] = "other" }), 400, "access"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := start(t, meetingfake.Config{})
			resp, body := do(t, s, tt.r)
			if resp.StatusCode != tt.status {
				t.Errorf("status %d; want %d (body %s)", resp.StatusCode, tt.status, body)
			}
			v := s.Violations()
			if tt.violation == "" && len(v) > 0 || tt.violation != "" && (len(v) != 1 || !strings.Contains(v[0], tt.violation)) {
				t.Errorf("violations %q; want one mentioning %q", v, tt.violation)
			}
			if resp.StatusCode != 200 && !strings.Contains(body, `"error_code"`) {
				t.Errorf("error body %s lacks error_code", body)
			}
		})
	}
}

func TestFakeServesPages(t *testing.T) {
	s := start(t, meetingfake.Config{})
	_, body := do(t, s, attendeesReq("confUUID="+meetingfake.SampleTownHallUUID+"&offset=1000&limit=500", nil))
	var page struct {
		Offset, Limit, Count int
		Data                 []meeting.Attendee
	}
	if err := json.Unmarshal([]byte(body), &page); err != nil {
		t.Fatal(err)
	}
	if page.Offset != 1000 || page.Limit != 500 || page.Count != 1234 || len(page.Data) != 234 {
		t.Errorf("page = %d/%d/%d with %d records; want 1000/500/1234 with 234", page.Offset, page.Limit, page.Count, len(page.Data))
	}
	if s.Count(meetingfake.OpAttendees) != 1 {
		t.Errorf("Count = %d", s.Count(meetingfake.OpAttendees))
	}
}

func TestFakeRateLimitAndDown(t *testing.T) {
	s := start(t, meetingfake.Config{RatePerSecond: 1, Burst: 2, RateGrace: -1})
	q := "confUUID=" + conf + "&offset=0&limit=500"
	var codes []int
	var retryAfter string
	for range 3 {
		resp, _ := do(t, s, attendeesReq(q, nil))
		codes = append(codes, resp.StatusCode)
		retryAfter = resp.Header.Get("Retry-After")
	}
	if fmt.Sprint(codes) != "[200 200 429]" || retryAfter != "1" || s.Throttled() != 1 {
		t.Errorf("statuses %v, Retry-After %q, throttled %d; want [200 200 429], 1, 1", codes, retryAfter, s.Throttled())
	}
	s.SetDown(true)
	if resp, _ := do(t, s, req{http.MethodGet, "/anything", nil, ""}); resp.StatusCode != 503 {
		t.Errorf("down: status %d; want 503", resp.StatusCode)
	}
}

func TestFakeTokenExpiry(t *testing.T) {
	var now atomic.Int64
	now.Store(time.Now().UnixNano())
	clock := func() time.Time { return time.Unix(0, now.Load()) }
	s := start(t, meetingfake.Config{TokenTTL: time.Hour, Clock: clock})
	_, body := do(t, s, appAuthReq(nil))
	var tok struct {
		AccessToken  string `json:"accessToken"`
		RefreshToken string `json:"refreshToken"`
		ValidPeriod  int    `json:"validPeriod"`
	}
	if err := json.Unmarshal([]byte(body), &tok); err != nil || tok.AccessToken == "" || tok.ValidPeriod != 3600 {
		t.Fatalf("token response %s", body)
	}
	q := "confUUID=" + conf + "&offset=0&limit=500"
	if resp, _ := do(t, s, attendeesReq(q, map[string]string{"X-Access-Token": tok.AccessToken})); resp.StatusCode != 200 {
		t.Fatalf("fresh token: %d", resp.StatusCode)
	}
	now.Add(int64(time.Hour))
	if resp, body := do(t, s, attendeesReq(q, map[string]string{"X-Access-Token": tok.AccessToken})); resp.StatusCode != 401 || !strings.Contains(body, "USG.000000004") {
		t.Errorf("expired token: %d %s; want 401 USG.000000004", resp.StatusCode, body)
	}
	resp, body := do(t, s, req{http.MethodPut, "/v1/usg/acs/token", map[string]string{"X-Access-Token": tok.RefreshToken}, ""})
	if resp.StatusCode != 200 || !strings.Contains(body, "accessToken") {
		t.Errorf("refresh: %d %s", resp.StatusCode, body)
	}
	if v := s.Violations(); len(v) > 0 {
		t.Errorf("violations: %q", v)
	}
}

func TestSample(t *testing.T) {
	now := time.Date(2026, 11, 27, 0, 30, 0, 0, time.UTC) // just after midnight: the tightest case
	confs := meetingfake.Sample(now)
	if !reflect.DeepEqual(confs, meetingfake.Sample(now.Add(time.Hour))) {
		t.Error("Sample is not stable within a day")
	}
	if len(confs) != 6 {
		t.Fatalf("%d conferences; want 6", len(confs))
	}
	ids := map[string]int{}
	uuids := map[string]bool{}
	for _, c := range confs {
		if err := meeting.ValidateConfUUID(c.Info.ConfUUID); err != nil || len(c.Info.ConfUUID) != 32 || uuids[c.Info.ConfUUID] {
			t.Errorf("confUUID %q: %v (or duplicate)", c.Info.ConfUUID, err)
		}
		uuids[c.Info.ConfUUID] = true
		if id, err := meeting.NormalizeMeetingID(c.Info.ConferenceID); err != nil || len(id) < 9 || len(id) > 10 {
			t.Errorf("meeting ID %q: %v", c.Info.ConferenceID, err)
		}
		ids[c.Info.ConferenceID]++
		if !c.Info.End.Before(now) || c.Info.Start.Before(now.Add(-4*24*time.Hour)) || c.Info.Subject == "" || c.Info.SchedulerName == "" || len(c.Invited) == 0 {
			t.Errorf("conference %s: %v–%v, subject %q, scheduler %q, %d invited", c.Info.ConfUUID, c.Info.Start, c.Info.End, c.Info.Subject, c.Info.SchedulerName, len(c.Invited))
		}
		for _, r := range c.Records {
			if r.LeftTime != 0 && r.LeftTime < r.JoinTime {
				t.Errorf("%s: record %q leaves before joining", c.Info.ConfUUID, r.DisplayName)
			}
		}
	}
	if ids[meetingfake.SampleStandupID] != 2 {
		t.Errorf("meeting %s has %d instances; want 2", meetingfake.SampleStandupID, ids[meetingfake.SampleStandupID])
	}
	byUUID := map[string]meetingfake.Conference{}
	for _, c := range confs {
		byUUID[c.Info.ConfUUID] = c
	}
	if n := len(byUUID[meetingfake.SampleTownHallUUID].Records); n != meetingfake.SampleTownHallRecords {
		t.Errorf("town hall has %d records; want 1234", n)
	}
	sync := byUUID[meetingfake.SampleSyncUUID]
	people, open := map[string]bool{}, 0
	for _, r := range sync.Records {
		people[r.DisplayName] = true
		if r.LeftTime == 0 {
			open++
		}
	}
	invited := map[string]bool{}
	for _, p := range sync.Invited {
		invited[p.Name] = true
	}
	noShows, uninvited := 0, 0
	for n := range invited {
		if !people[n] {
			noShows++
		}
	}
	for n := range people {
		if !invited[n] {
			uninvited++
		}
	}
	if len(people) != 8 || open != 1 || noShows == 0 || uninvited == 0 {
		t.Errorf("sync: %d people, %d open records, %d no-shows, %d uninvited", len(people), open, noShows, uninvited)
	}
	hostile := fmt.Sprint(byUUID[meetingfake.SampleHostileUUID].Records)
	for _, s := range []string{"<!channel>", "<@U123>", "*bold*", "a&b<c>", `=HYPERLINK("x")`, "🎉", "مريم"} {
		if !strings.Contains(hostile, s) {
			t.Errorf("hostile sample lacks %q", s)
		}
	}
	longest := 0
	for _, r := range byUUID[meetingfake.SampleHostileUUID].Records {
		longest = max(longest, utf8.RuneCountInString(r.DisplayName))
	}
	if longest != 300 {
		t.Errorf("longest hostile name has %d characters; want 300", longest)
	}
	zh := fmt.Sprint(byUUID[meetingfake.SampleChineseUUID].Records)
	for _, s := range []string{"软终端", "视频", "语音", "研发部"} {
		if !strings.Contains(zh, s) {
			t.Errorf("Chinese sample lacks %q", s)
		}
	}
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(confs); err != nil {
		t.Errorf("sample does not encode: %v", err)
	}
}
