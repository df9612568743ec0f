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
	"slices"
	"strconv"
	"strings"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/internal/token"
)

// Blobs keeps uploaded files (package blob has the default, on disk).
// Open answers regular files only. DeleteAll removes every file whose key
// begins with prefix + "/".
type Blobs interface {
	Put(ctx context.Context, key string, r io.Reader, max int64) (int64, error)
	Open(ctx context.Context, key string) (io.ReadSeekCloser, error)
	Delete(ctx context.Context, key string) error
	DeleteAll(ctx context.Context, prefix string) error
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
			s.dropUploads(ctx, appID, out)
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

// mediaKey returns the key of the stored file an attachment URL names, if
// it is one of app appID's as storeUpload makes them: mediaScheme then
// "<appID>/<id>/<name>". Clients can't give such URLs (checkAttachments),
// so a message holds one only for a file uploaded with it; one of another
// app or of another shape is no file of this message, whatever the store
// holds, and is never signed nor deleted.
func mediaKey(appID, u string) (string, bool) {
	key, ok := strings.CutPrefix(u, mediaScheme)
	if !ok || !validMediaKey(key) || !strings.HasPrefix(key, appID+"/") {
		return "", false
	}
	return key, true
}

// validMediaKey holds for a key of storeUpload's shape: three segments.
func validMediaKey(key string) bool {
	parts := strings.Split(key, "/")
	if len(parts) != 3 {
		return false
	}
	for _, p := range parts {
		if p == "" || p == "." || p == ".." {
			return false
		}
	}
	return true
}

// dropUploads deletes the stored files of attachments of app appID.
func (s *Service) dropUploads(ctx context.Context, appID string, as []parley.Attachment) {
	var keys []string
	for _, a := range as {
		if key, ok := mediaKey(appID, a.URL); ok {
			keys = append(keys, key)
		}
	}
	s.dropFiles(ctx, keys)
}

// dropFiles deletes stored files. It runs after the change that removed
// their messages committed, so a caller that hung up must not stop it
// halfway; a failure leaves a file no message names, logged.
func (s *Service) dropFiles(ctx context.Context, keys []string) {
	if s.blobs == nil {
		return
	}
	ctx = context.WithoutCancel(ctx)
	for _, key := range keys {
		if err := s.blobs.Delete(ctx, key); err != nil {
			s.log.WarnContext(ctx, "drop upload", "key", key, "err", err)
		}
	}
}

// copyUploads gives each stored file among as a copy of its own under a
// new key, for one more message to own (a send to multipleReceivers makes
// one message per receiver, and deleting one must not take the others'
// files). Other attachments pass unchanged. On failure nothing is kept,
// and the error is no rule's: it ends the whole send.
func (s *Service) copyUploads(ctx context.Context, appID string, as []parley.Attachment) ([]parley.Attachment, error) {
	out := slices.Clone(as)
	var made []parley.Attachment
	for i, a := range as {
		key, ok := mediaKey(appID, a.URL)
		if !ok {
			continue
		}
		f, err := s.blobs.Open(ctx, key)
		if err != nil {
			s.dropUploads(ctx, appID, made)
			return nil, fmt.Errorf("copy upload %s: %w", key, err)
		}
		dup := appID + "/" + token.New().ID + "/" + path.Base(key)
		_, err = s.blobs.Put(ctx, dup, f, s.maxUpload)
		f.Close()
		if err != nil {
			s.dropUploads(ctx, appID, made)
			return nil, fmt.Errorf("copy upload %s: %w", key, err)
		}
		out[i].URL = mediaScheme + dup
		made = append(made, out[i])
	}
	return out, nil
}

// ownsUploads reports whether message m holds the stored files among as
// (any of them: they are stored and dropped together), in the stored or
// the signed form of their URLs; false when as holds none.
func ownsUploads(appID string, m *parley.Message, as []parley.Attachment) bool {
	for _, a := range as {
		key, ok := mediaKey(appID, a.URL)
		if !ok {
			continue
		}
		for _, h := range m.Data.Attachments {
			if strings.Contains(h.URL, key) { // the key's id is random, so unique
				return true
			}
		}
	}
	return false
}

// filesOf lists the keys of the files stored for the messages matching f
// (read in pages in tx), for a change that removes those messages to
// delete them once it commits.
func (s *Service) filesOf(ctx context.Context, tx parley.Tx, appID string, f parley.MessageFilter) ([]string, error) {
	if s.blobs == nil {
		return nil, nil
	}
	f.HasAttachments, f.FromStart, f.Limit = true, true, 500
	var keys []string
	for {
		ms, err := tx.Messages(ctx, appID, f)
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			for _, a := range m.Data.Attachments {
				if key, ok := mediaKey(appID, a.URL); ok {
					keys = append(keys, key)
				}
			}
		}
		if len(ms) < f.Limit {
			return keys, nil
		}
		f.AfterID = ms[len(ms)-1].ID
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

// signAttachments turns the stored attachments of a message of app appID
// into signed, expiring URLs.
func (s *Service) signAttachments(appID string, as []parley.Attachment) {
	for i := range as {
		as[i].URL = s.signURL(appID, as[i].URL)
	}
}

// signURL turns the URL of a file stored for app appID into a signed,
// expiring one; URLs of other hosts pass unchanged. An internal reference
// that is not one of the app's files (see mediaKey) becomes "": it is not
// this message's to hand out.
func (s *Service) signURL(appID, u string) string {
	if !strings.HasPrefix(u, mediaScheme) {
		return u
	}
	key, ok := mediaKey(appID, u)
	if !ok {
		return ""
	}
	expires := s.unix() + mediaTTL
	return fmt.Sprintf("%s/v3/media/%s?expires=%d&signature=%s", s.publicURL, key, expires,
		s.mediaSignature(key, expires))
}

// signEntity signs the attachments of the message an action message names
// (data.entities.on of an edited action, as read back from the store), so
// that no reader gets a stored file's internal URL.
func (s *Service) signEntity(appID string, m *parley.Message) {
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
				a["url"] = s.signURL(appID, u)
			}
		}
	}
}

// Media opens a stored file for a signed URL: the signature must match, the
// URL must not have expired, and the key must name a file as uploads are
// stored (signURL signs no other).
func (s *Service) Media(ctx context.Context, key, expires, signature string) (io.ReadSeekCloser, string, error) {
	notFound := msgErr(parley.KindNotFound, parley.CodeMediaNotFound, "no such file, or the link expired")
	exp, err := strconv.ParseInt(expires, 10, 64)
	want := s.mediaSignature(key, exp)
	if err != nil || want == "" || exp < s.unix() || !hmac.Equal([]byte(want), []byte(signature)) ||
		!validMediaKey(key) || s.blobs == nil {
		return nil, "", notFound
	}
	f, err := s.blobs.Open(ctx, key)
	if err != nil {
		return nil, "", notFound
	}
	return f, path.Base(key), nil
}
