// handlers.go owns request routing, the protocol checker every op runs, the
// data endpoints (confAttendeeRecord, the history list, confDetail) with their
// paging, and the JSON and error writers. Logins and tokens are in auth.go.

package meetingfake

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/attendees-bot/attendees-bot/meeting"
)

const (
	maxLimit       = 500
	refreshTTL     = 30 * 24 * time.Hour
	codeBadToken   = "USG.000000004"
	codeNoConf     = "MMC.111070005"
	codeBadAuth    = "USG.000000005"
	codeViolation  = "FAKE.400"
	timeLayout     = "2006-01-02 15:04"
	clientTypeAPI  = 72
	maxRequestBody = 64 << 10
)

// checker collects the protocol problems of one request.
type checker struct {
	r        *http.Request
	problems []string
}

func (c *checker) fail(format string, args ...any) {
	c.problems = append(c.problems, fmt.Sprintf(format, args...))
}

// common checks what every op must get right.
func (c *checker) common(method string, data bool, allowedQuery ...string) {
	r := c.r
	if r.Method != method {
		c.fail("method %s, want %s", r.Method, method)
	}
	for _, h := range []string{"X-Authorization-Type", "X-Site-Id"} {
		if _, ok := r.Header[h]; ok {
			c.fail("deprecated header %s sent", h)
		}
	}
	for k := range r.URL.Query() {
		if k == "userUUID" {
			c.fail("deprecated query parameter userUUID sent")
		} else if !slices.Contains(allowedQuery, k) {
			c.fail("unknown query parameter %q", k)
		}
	}
	lang, ok := r.Header["Accept-Language"]
	switch {
	case !ok && data:
		c.fail("Accept-Language missing (server default is zh-CN; choose explicitly)")
	case ok && (len(lang) != 1 || (lang[0] != "zh-CN" && lang[0] != "en-US")):
		c.fail("Accept-Language %q, want zh-CN or en-US", strings.Join(lang, ","))
	}
	if r.Header.Get("User-Agent") == "" {
		c.fail("User-Agent missing")
	}
}

// intParam reads a required integer query parameter within [lo, hi]; a value
// above hi is a problem but clamped, as the real server clamps limit.
func (c *checker) intParam(name string, lo, hi int64) int64 {
	v := c.r.URL.Query().Get(name)
	if v == "" {
		c.fail("query parameter %s missing", name)
		return lo
	}
	n, err := strconv.ParseInt(v, 10, 64)
	switch {
	case err != nil:
		c.fail("query parameter %s=%q is not an integer", name, v)
		return lo
	case n < lo:
		c.fail("query parameter %s=%d below %d", name, n, lo)
		return lo
	case n > hi:
		c.fail("query parameter %s=%d above %d (server clamps)", name, n, hi)
		return hi
	}
	return n
}

// report records the problems as violations; true if there were any.
func (s *Server) report(c *checker) bool {
	for _, p := range c.problems {
		s.violate(c.r, "%s", p)
	}
	return len(c.problems) > 0
}

func (s *Server) route(w http.ResponseWriter, r *http.Request, op string) {
	switch op {
	case OpAppAuth:
		s.appAuth(w, r)
	case OpAccount:
		s.accountAuth(w, r)
	case OpRefresh:
		s.refreshToken(w, r)
	case OpAttendees:
		s.attendees(w, r)
	case OpHistory:
		s.history(w, r)
	case OpConfDetail:
		s.confDetail(w, r)
	}
}

func violation(w http.ResponseWriter, c *checker) {
	writeError(w, http.StatusBadRequest, codeViolation, "protocol violation: "+strings.Join(c.problems, "; "), "")
}

// readBody decodes a JSON request body into a generic map, so field types can
// be checked as sent.
func (c *checker) readBody() map[string]any {
	if ct := c.r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		c.fail("Content-Type %q, want application/json", ct)
	}
	var m map[string]any
	dec := json.NewDecoder(io.LimitReader(c.r.Body, maxRequestBody))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		c.fail("body is not a JSON object: %v", err)
	}
	if n, ok := m["clientType"].(json.Number); !ok || n.String() != strconv.Itoa(clientTypeAPI) {
		c.fail("clientType %v, want %d", m["clientType"], clientTypeAPI)
	}
	return m
}

// dataChecks runs the checks shared by the three GET endpoints.
func (s *Server) dataChecks(w http.ResponseWriter, r *http.Request, allowed ...string) (offset, limit int, ok bool) {
	c := &checker{r: r}
	c.common(http.MethodGet, true, allowed...)
	if r.Header.Get("X-Access-Token") == "" {
		c.fail("X-Access-Token missing")
	}
	offset = int(c.intParam("offset", 0, 1<<31-1))
	limit = int(c.intParam("limit", 1, maxLimit))
	clampOnly := len(c.problems) == 1 && strings.HasSuffix(c.problems[0], "(server clamps)")
	if s.report(c) && !clampOnly {
		violation(w, c)
		return 0, 0, false
	}
	return offset, limit, s.authorized(w, r)
}

// conference finds a conference by the confUUID query parameter; false means
// answered.
func (s *Server) conference(w http.ResponseWriter, r *http.Request) (Conference, bool) {
	id := r.URL.Query().Get("confUUID")
	if id == "" {
		s.violate(r, "query parameter confUUID missing")
		writeError(w, http.StatusBadRequest, codeViolation, "protocol violation: confUUID missing", "")
		return Conference{}, false
	}
	s.mu.Lock()
	conf, ok := s.confs[normUUID(id)]
	var out Conference
	if ok {
		out = *conf // slices are replaced, never modified, so sharing is safe
	}
	s.mu.Unlock()
	if !ok {
		writeError(w, http.StatusBadRequest, codeNoConf, "The conference does not exist", "")
		return Conference{}, false
	}
	return out, true
}

type page[T any] struct {
	Offset int `json:"offset"`
	Limit  int `json:"limit"`
	Count  int `json:"count"`
	Data   []T `json:"data"`
}

func pageOf[T any](all []T, offset, limit int) page[T] {
	lo := min(offset, len(all))
	hi := min(lo+limit, len(all))
	return page[T]{Offset: offset, Limit: limit, Count: len(all), Data: all[lo:hi]}
}

func (s *Server) attendees(w http.ResponseWriter, r *http.Request) {
	offset, limit, ok := s.dataChecks(w, r, "confUUID", "offset", "limit", "searchKey")
	if !ok {
		return
	}
	conf, ok := s.conference(w, r)
	if !ok {
		return
	}
	if conf.Lost {
		writeFailure(w, lost)
		return
	}
	recs := conf.Records
	if key := strings.ToLower(r.URL.Query().Get("searchKey")); key != "" {
		recs = nil
		for _, a := range conf.Records {
			if containsFold(key, a.DisplayName, a.CallNumber, a.DeptName) {
				recs = append(recs, a)
			}
		}
	}
	if recs == nil {
		recs = []meeting.Attendee{}
	}
	writeJSON(w, http.StatusOK, pageOf(recs, offset, limit))
}

func containsFold(lowerKey string, fields ...string) bool {
	for _, f := range fields {
		if strings.Contains(strings.ToLower(f), lowerKey) {
			return true
		}
	}
	return false
}

// wireConference is the documented ConferenceInfo subset.
type wireConference struct {
	ConferenceID    string `json:"conferenceID"`
	ConfUUID        string `json:"confUUID"`
	Subject         string `json:"subject"`
	ScheduserName   string `json:"scheduserName"`
	StartTime       string `json:"startTime"`
	EndTime         string `json:"endTime"`
	ConferenceState string `json:"conferenceState"`
	MediaTypes      string `json:"mediaTypes"`
	ConfType        string `json:"confType"`
}

func toWire(c meeting.Conference) wireConference {
	format := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(timeLayout)
	}
	return wireConference{c.ConferenceID, c.ConfUUID, c.Subject, c.SchedulerName, format(c.Start), format(c.End), c.State, c.MediaTypes, c.ConfType}
}

func (s *Server) history(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	c := &checker{r: r}
	start := c.intParam("startDate", 0, 1<<53)
	end := c.intParam("endDate", 0, 1<<53)
	if st := q.Get("sortType"); st != "" && st != "ASC_StartTIME" && st != "DSC_StartTIME" {
		c.fail("sortType %q, want ASC_StartTIME or DSC_StartTIME", st)
	}
	if qa := q.Get("queryAll"); qa != "" && qa != "true" && qa != "false" {
		c.fail("queryAll %q, want true or false", qa)
	}
	if s.report(c) {
		violation(w, c)
		return
	}
	offset, limit, ok := s.dataChecks(w, r, "startDate", "endDate", "offset", "limit", "searchKey", "queryAll", "sortType")
	if !ok {
		return
	}
	key := strings.ToLower(q.Get("searchKey"))
	var list []wireConference
	var starts []time.Time
	s.mu.Lock()
	for _, conf := range s.order {
		ms := conf.Info.Start.UnixMilli()
		if ms < start || ms > end || (key != "" && !containsFold(key, conf.Info.Subject, conf.Info.SchedulerName, conf.Info.ConferenceID)) {
			continue
		}
		list = append(list, toWire(conf.Info))
		starts = append(starts, conf.Info.Start)
	}
	s.mu.Unlock()
	idx := make([]int, len(list))
	for i := range idx {
		idx[i] = i
	}
	asc := q.Get("sortType") == "ASC_StartTIME"
	slices.SortStableFunc(idx, func(a, b int) int {
		if asc {
			return starts[a].Compare(starts[b])
		}
		return starts[b].Compare(starts[a])
	})
	sorted := make([]wireConference, len(idx))
	for i, j := range idx {
		sorted[i] = list[j]
	}
	writeJSON(w, http.StatusOK, pageOf(sorted, offset, limit))
}

func (s *Server) confDetail(w http.ResponseWriter, r *http.Request) {
	offset, limit, ok := s.dataChecks(w, r, "confUUID", "offset", "limit")
	if !ok {
		return
	}
	conf, ok := s.conference(w, r)
	if !ok {
		return
	}
	invited := conf.Invited
	if invited == nil {
		invited = []meeting.Participant{}
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"conferenceData": toWire(conf.Info),
		"data":           pageOf(invited, offset, limit),
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status, body = http.StatusInternalServerError, []byte(`{"error_code":"FAKE.500","error_msg":"encode"}`)
	}
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func writeError(w http.ResponseWriter, status int, code, msg, retryAfter string) {
	if retryAfter != "" {
		w.Header().Set("Retry-After", retryAfter)
	}
	writeJSON(w, status, map[string]string{"error_code": code, "error_msg": msg})
}

func writeFailure(w http.ResponseWriter, f Failure) {
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	if f.Body != "" {
		ct := f.ContentType
		if ct == "" {
			ct = "text/html"
		}
		w.Header().Set("Content-Type", ct)
		w.WriteHeader(f.Status)
		_, _ = io.WriteString(w, f.Body)
		return
	}
	code := f.Code
	if code == "" {
		code = "FAKE." + strconv.Itoa(f.Status)
	}
	writeJSON(w, f.Status, map[string]string{"error_code": code, "error_msg": f.Message})
}
