package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

//go:embed static
var staticFS embed.FS

// asset is one embedded static file, served at a URL that carries a hash
// of its content so that browsers may cache it for good.
type asset struct {
	body        []byte
	contentType string
}

// assets maps hashed names ("survey.3f2a1b9c.css") to files, and
// assetURLs plain names ("survey.css") to their URLs.
var assets, assetURLs = loadAssets()

func loadAssets() (map[string]asset, map[string]string) {
	byHash, urls := map[string]asset{}, map[string]string{}
	files, err := fs.ReadDir(staticFS, "static")
	if err != nil {
		panic(err) // the embedded directory exists at build time
	}
	for _, f := range files {
		body, err := staticFS.ReadFile("static/" + f.Name())
		if err != nil {
			panic(err)
		}
		sum := sha256.Sum256(body)
		ext := path.Ext(f.Name())
		hashed := strings.TrimSuffix(f.Name(), ext) + "." + hex.EncodeToString(sum[:4]) + ext
		byHash[hashed] = asset{body: body, contentType: mime.TypeByExtension(ext)}
		urls[f.Name()] = "/assets/" + hashed
	}
	return byHash, urls
}

// assetURL returns the URL of the static file name; templates call it as
// {{asset "survey.css"}}. An unknown name panics at template execution in
// tests rather than linking to nothing.
func assetURL(name string) string {
	u, ok := assetURLs[name]
	if !ok {
		panic("web: no asset " + name)
	}
	return u
}

func handleAsset(w http.ResponseWriter, r *http.Request) {
	a, ok := assets[r.PathValue("name")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", a.contentType)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Write(a.body)
}
