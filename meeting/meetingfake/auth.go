// auth.go owns the fake's logins and tokens: App ID (HMAC-SHA256), account
// (Basic) and refresh-token logins, issuing access and refresh tokens, and the
// X-Access-Token check of data requests.

package meetingfake

import (
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/attendees-bot/attendees-bot/meeting"
)

func (s *Server) appAuth(w http.ResponseWriter, r *http.Request) {
	c := &checker{r: r}
	c.common(http.MethodPost, false)
	if r.Header.Get("X-Token-Type") != "LongTicket" {
		c.fail("X-Token-Type %q, want LongTicket", r.Header.Get("X-Token-Type"))
	}
	body := c.readBody()
	sig, access, ok := parseHMACAuth(r.Header.Get("Authorization"))
	if !ok {
		c.fail("Authorization is not \"HMAC-SHA256 signature=<hex>,access=<base64(appId)>\"")
	}
	appID, _ := body["appId"].(string)
	if a, err := base64.StdEncoding.DecodeString(access); ok && (err != nil || string(a) != appID) {
		c.fail("Authorization access is not base64 of the body's appId")
	}
	nonce, _ := body["nonce"].(string)
	if len(nonce) < 32 || len(nonce) > 64 {
		c.fail("nonce of %d characters, want 32 to 64", len(nonce))
	}
	expireNum, isNum := body["expireTime"].(json.Number)
	expire, err := expireNum.Int64()
	now := s.now().Unix()
	switch {
	case !isNum || err != nil:
		c.fail("expireTime %v is not an integer", body["expireTime"])
	case expire != 0 && (expire <= now || expire > now+24*3600):
		c.fail("expireTime %d is not 0 and not within a day after now (%d)", expire, now)
	}
	userID, _ := body["userId"].(string)
	corpID, _ := body["corpId"].(string)
	if s.report(c) {
		violation(w, c)
		return
	}
	if s.cfg.AppID == "" || appID != s.cfg.AppID {
		writeError(w, http.StatusUnauthorized, codeBadAuth, "unknown app ID", "")
		return
	}
	want := meeting.AppAuthSignature(appID, corpID, userID, meeting.Secret(s.cfg.AppKey), expire, nonce)
	if subtle.ConstantTimeCompare([]byte(want), []byte(sig)) != 1 {
		// Recorded, but answered 401 as the real server does: a wrong key is
		// a credential problem the client must report as such.
		s.violate(r, "HMAC signature does not match the one computed from the app key")
		writeError(w, http.StatusUnauthorized, codeBadAuth, "signature verification failed", "")
		return
	}
	s.issueToken(w)
}

func parseHMACAuth(h string) (sig, access string, ok bool) {
	rest, found := strings.CutPrefix(h, "HMAC-SHA256 ")
	if !found {
		return "", "", false
	}
	for part := range strings.SplitSeq(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "signature":
			sig = v
		case "access":
			access = v
		}
	}
	if len(sig) != 64 || strings.ToLower(sig) != sig || access == "" {
		return "", "", false
	}
	return sig, access, true
}

func (s *Server) accountAuth(w http.ResponseWriter, r *http.Request) {
	c := &checker{r: r}
	c.common(http.MethodPost, false)
	body := c.readBody()
	user, pass, ok := r.BasicAuth()
	if !ok {
		c.fail("Authorization is not Basic")
	}
	if acct, _ := body["account"].(string); ok && acct != user {
		c.fail("body account %q differs from the Basic auth account", acct)
	}
	if s.report(c) {
		violation(w, c)
		return
	}
	if s.cfg.Account == "" || user != s.cfg.Account || subtle.ConstantTimeCompare([]byte(pass), []byte(s.cfg.Password)) != 1 {
		writeError(w, http.StatusUnauthorized, codeBadAuth, "account or password is incorrect", "")
		return
	}
	s.issueToken(w)
}

func (s *Server) refreshToken(w http.ResponseWriter, r *http.Request) {
	c := &checker{r: r}
	c.common(http.MethodPut, false)
	rt := r.Header.Get("X-Access-Token")
	if rt == "" {
		c.fail("X-Access-Token (the refresh token) missing")
	}
	if s.report(c) {
		violation(w, c)
		return
	}
	s.mu.Lock()
	exp, ok := s.refresh[rt]
	s.mu.Unlock()
	if !ok || !s.now().Before(exp) {
		writeError(w, http.StatusUnauthorized, codeBadToken, "refresh token invalid or expired", "")
		return
	}
	s.issueTokenWithRefresh(w, rt, exp)
}

func (s *Server) issueToken(w http.ResponseWriter) {
	s.issueTokenWithRefresh(w, newToken(), s.now().Add(refreshTTL))
}

func (s *Server) issueTokenWithRefresh(w http.ResponseWriter, rt string, rtExpires time.Time) {
	now := s.now()
	at := newToken()
	expires := now.Add(s.cfg.TokenTTL)
	s.mu.Lock()
	s.tokens[at] = expires
	s.refresh[rt] = rtExpires
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"accessToken":        at,
		"tokenType":          1,
		"createTime":         now.UnixMilli(),
		"validPeriod":        int64(s.cfg.TokenTTL.Seconds()),
		"expireTime":         expires.Unix(),
		"refreshToken":       rt,
		"refreshCreateTime":  now.UnixMilli(),
		"refreshValidPeriod": int64(rtExpires.Sub(now).Seconds()),
		"refreshExpireTime":  rtExpires.Unix(),
		"clientType":         clientTypeAPI,
	})
}

// authorized checks X-Access-Token of a data request; false means answered.
func (s *Server) authorized(w http.ResponseWriter, r *http.Request) bool {
	tok := r.Header.Get("X-Access-Token")
	s.mu.Lock()
	exp, ok := s.tokens[tok]
	s.mu.Unlock()
	if !ok || (!exp.IsZero() && !s.now().Before(exp)) {
		writeError(w, http.StatusUnauthorized, codeBadToken, "The token is invalid or has expired", "")
		return false
	}
	return true
}
