package chat

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"path"
	"strconv"
	"strings"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/internal/token"
)

// Blobs keeps uploaded files (package blob has the default, on disk).
type Blobs interface {
	Put(ctx context.Context, key string, r io.Reader, max int64) (int64, error)
	Open(ctx context.Context, key string) (io.ReadSeekCloser, error)
	Delete(ctx context.Context, key string) error
}

// Upload is a file sent with a media message.
type Upload struct {
	Name     string
	MimeType string
	Body     io.Reader
}

// mediaScheme marks an attachment stored by Parley; reads turn it into a
// signed, expiring URL that only readers of the message receive.
const mediaScheme = "parley-media:"

// settingMediaKey names the stored key that signs media URLs.
const settingMediaKey = "media_signing_key"

// DefaultMaxUpload is the largest file a message may carry by default.
const DefaultMaxUpload = 25 << 20

// mediaTTL is how long a signed media URL works, in seconds.
const mediaTTL = 3600

// storeUploads writes uploads to the blob store and returns their
// attachments. On failure, what was written is removed.
func (s *Service) storeUploads(ctx context.Context, appID string, ups []Upload) ([]parley.Attachment, error) {
	if len(ups) == 0 {
		return nil, nil
	}
	if s.blobs == nil {
		return nil, msgErr(parley.KindInvalid, parley.CodeInvalidAttachment, "this server takes no uploads")
	}
	var out []parley.Attachment
	for _, up := range ups {
		a, err := s.storeUpload(ctx, appID, up)
		if err != nil {
			s.dropUploads(ctx, out)
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

func (s *Service) storeUpload(ctx context.Context, appID string, up Upload) (parley.Attachment, error) {
	name := cleanName(up.Name)
	key := appID + "/" + token.New().ID + "/" + name
	n, err := s.blobs.Put(ctx, key, up.Body, s.maxUpload)
	if err != nil {
		if n > s.maxUpload {
			return parley.Attachment{}, msgErr(parley.KindTooLarge, parley.CodeMessageTooLarge,
				"a file may be at most %d bytes", s.maxUpload)
		}
		return parley.Attachment{}, parley.Internal(err)
	}
	ext := strings.TrimPrefix(path.Ext(name), ".")
	mt := up.MimeType
	if mt == "" || mt == "application/octet-stream" {
		if byExt := mime.TypeByExtension(path.Ext(name)); byExt != "" {
			mt = byExt
		}
	}
	return parley.Attachment{URL: mediaScheme + key, Name: name, MimeType: mt, Extension: ext, Size: n}, nil
}

// cleanName keeps a file name safe as the last part of a key.
func cleanName(name string) string {
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	var b strings.Builder
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	out := strings.TrimLeft(b.String(), ".")
	if out == "" {
		out = "file"
	}
	if len(out) > 100 {
		out = out[len(out)-100:]
	}
	return out
}

func (s *Service) dropUploads(ctx context.Context, as []parley.Attachment) {
	for _, a := range as {
		if key, ok := strings.CutPrefix(a.URL, mediaScheme); ok && s.blobs != nil {
			if err := s.blobs.Delete(ctx, key); err != nil {
				s.log.WarnContext(ctx, "drop upload", "key", key, "err", err)
			}
		}
	}
}

// loadMediaKey reads (or makes and stores) the key that signs media URLs.
func (s *Service) loadMediaKey(ctx context.Context, tx parley.Tx) error {
	v, err := tx.Setting(ctx, settingMediaKey)
	if errors.Is(err, parley.ErrNotFound) {
		b := make([]byte, 32)
		rand.Read(b)
		v = hex.EncodeToString(b)
		err = tx.SetSetting(ctx, settingMediaKey, v)
	}
	if err != nil {
		return err
	}
	key, err := hex.DecodeString(v)
	if err != nil || len(key) == 0 {
		return fmt.Errorf("bad media signing key")
	}
	s.mediaKey.Store(&key)
	return nil
}

func (s *Service) mediaSignature(key string, expires int64) string {
	k := s.mediaKey.Load()
	if k == nil {
		return ""
	}
	mac := hmac.New(sha256.New, *k)
	fmt.Fprintf(mac, "%s\n%d", key, expires)
	return hex.EncodeToString(mac.Sum(nil))
}

// signAttachments turns stored attachments into signed, expiring URLs.
func (s *Service) signAttachments(as []parley.Attachment) {
	for i := range as {
		as[i].URL = s.signURL(as[i].URL)
	}
}

// signURL turns the URL of a stored file into a signed, expiring one; other
// URLs pass unchanged.
func (s *Service) signURL(u string) string {
	key, ok := strings.CutPrefix(u, mediaScheme)
	if !ok {
		return u
	}
	expires := s.unix() + mediaTTL
	return fmt.Sprintf("%s/v3/media/%s?expires=%d&signature=%s", s.publicURL, key, expires,
		s.mediaSignature(key, expires))
}

// signEntity signs the attachments of the message an action message names
// (data.entities.on of an edited action, as read back from the store), so
// that no reader gets a stored file's internal URL.
func (s *Service) signEntity(m *parley.Message) {
	on, ok := m.Data.Entities["on"]
	if m.Category != parley.CategoryAction || !ok || on.EntityType != "message" {
		return
	}
	e, _ := on.Entity.(map[string]any)
	data, _ := e["data"].(map[string]any)
	as, _ := data["attachments"].([]any)
	for _, a := range as {
		if a, ok := a.(map[string]any); ok {
			if u, ok := a["url"].(string); ok {
				a["url"] = s.signURL(u)
			}
		}
	}
}

// Media opens a stored file for a signed URL: the signature must match and
// the URL must not have expired.
func (s *Service) Media(ctx context.Context, key, expires, signature string) (io.ReadSeekCloser, string, error) {
	notFound := msgErr(parley.KindNotFound, parley.CodeMediaNotFound, "no such file, or the link expired")
	exp, err := strconv.ParseInt(expires, 10, 64)
	want := s.mediaSignature(key, exp)
	if err != nil || want == "" || exp < s.unix() || !hmac.Equal([]byte(want), []byte(signature)) || s.blobs == nil {
		return nil, "", notFound
	}
	f, err := s.blobs.Open(ctx, key)
	if err != nil {
		return nil, "", notFound
	}
	return f, path.Base(key), nil
}
