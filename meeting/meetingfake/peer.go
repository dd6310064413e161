package meetingfake

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"github.com/attendees-bot/attendees-bot/meeting"
)

// PageByPage reads every attendee record of confUUID the way the official
// Huawei Cloud Go SDK's SearchAttendanceRecordsOfHisMeeting loop does: one
// page of 500 after another, no rate limit, no retries. It is the peer
// the client's benchmarks are measured against (the SDK itself is not a
// dependency of this module).
func PageByPage(ctx context.Context, hc *http.Client, baseURL, token, confUUID string) ([]meeting.Attendee, error) {
	var all []meeting.Attendee
	for offset := 0; ; {
		q := url.Values{"confUUID": {confUUID}, "offset": {strconv.Itoa(offset)}, "limit": {"500"}}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, baseURL+"/v1/mmc/management/conferences/history/confAttendeeRecord?"+q.Encode(), nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("X-Access-Token", token)
		req.Header.Set("Accept-Language", "en-US")
		req.Header.Set("User-Agent", "page-by-page")
		resp, err := hc.Do(req)
		if err != nil {
			return nil, err
		}
		var page struct {
			Count int                `json:"count"`
			Data  []meeting.Attendee `json:"data"`
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("page at %d: status %d: %v", offset, resp.StatusCode, err)
		}
		all = append(all, page.Data...)
		offset += len(page.Data)
		if len(page.Data) == 0 || offset >= page.Count {
			return all, nil
		}
	}
}
