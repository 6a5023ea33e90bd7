package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// route is one line of the route table: who may call it is part of the route.
type route struct {
	method string
	path   string
	handle echo.HandlerFunc
	action Action // ActPublic: anyone, even signed out
}

// routeTable is every route of the app. Add a route with one line here.
func (h *Handler) routeTable() []route {
	return []route{
		{http.MethodGet, "/", h.homeShow, ActView},
		{http.MethodGet, "/healthz", h.healthShow, ActPublic},
		{http.MethodGet, "/static/*", h.staticShow, ActPublic},
		{http.MethodPost, "/lang", h.langSet, ActPublic},
		{http.MethodGet, "/login", h.loginShow, ActPublic},
		{http.MethodPost, "/login", h.loginSubmit, ActPublic},
		{http.MethodPost, "/logout", h.logoutSubmit, ActPublic},

		{http.MethodGet, "/documents", h.documentsList, ActView},
		{http.MethodPost, "/documents", h.documentsUpload, ActUpload},
		{http.MethodPost, "/documents/reindex", h.documentsReindex, ActUpload},
		{http.MethodGet, "/documents/:id", h.documentsShow, ActView},
		{http.MethodGet, "/documents/:id/original", h.documentsOriginal, ActView},
		{http.MethodPost, "/documents/:id/delete", h.documentsDelete, ActDeleteDocuments},
		{http.MethodGet, "/compare", h.compareShow, ActView},
		{http.MethodGet, "/compare/stream", h.compareStream, ActCompare},
		{http.MethodPost, "/compare/votes", h.voteSubmit, ActCompare},
		{http.MethodGet, "/train", h.trainShow, ActView},
		{http.MethodPost, "/train", h.trainStart, ActTrain},
		{http.MethodPost, "/train/preview", h.trainPreview, ActTrain},
		{http.MethodPost, "/train/preset", h.trainPreset, ActTrain},
		{http.MethodGet, "/train/:id", h.trainRun, ActView},
		{http.MethodGet, "/train/:id/events", h.trainEvents, ActView},
		{http.MethodGet, "/adapters/:name/adapter.gguf", h.adapterGGUF, ActView},
		{http.MethodGet, "/adapters/:name/peft.zip", h.adapterPEFT, ActView},
		{http.MethodPost, "/adapters/:name/publish", h.adapterPublish, ActTrain},
		{http.MethodGet, "/evaluate", h.evaluateShow, ActView},
		{http.MethodPost, "/evaluate", h.evaluateStart, ActRunJobs},
		{http.MethodGet, "/evaluate/jobs/:id", h.evaluateJobShow, ActView},
		{http.MethodGet, "/evaluate/jobs/:id/results", h.evaluateJobResults, ActView},
		{http.MethodGet, "/evaluate/runs/:run", h.evaluateRunShow, ActView},
		{http.MethodGet, "/evaluate/runs/:run/items/:item", h.evaluateItemShow, ActView},
		{http.MethodGet, "/models", h.modelsList, ActView},

		{http.MethodGet, "/jobs", h.jobsList, ActView},
		{http.MethodPost, "/jobs/demo", h.jobDemoStart, ActRunJobs},
		{http.MethodGet, "/jobs/:id", h.jobShow, ActView},
		{http.MethodGet, "/jobs/:id/events", h.jobEvents, ActView},
		{http.MethodPost, "/jobs/:id/cancel", h.jobCancel, ActRunJobs},
		{http.MethodHead, "/", h.ollamaHeartbeat, ActPublic},
		{http.MethodPost, "/api/models/publish", h.modelPublish, ActTrain},
		{http.MethodPost, "/models/publish", h.modelPublishForm, ActTrain},
		{http.MethodGet, "/api/models/published", h.modelsPublished, ActView},
		{http.MethodGet, "/api/version", h.ollamaVersion, ActPublic},
		{http.MethodGet, "/api/tags", h.ollamaTags, ActServe},
		{http.MethodPost, "/api/show", h.ollamaShow, ActServe},
		{http.MethodPost, "/api/generate", h.ollamaGenerate, ActServe},
		{http.MethodPost, "/api/chat", h.ollamaChat, ActServe},
		{http.MethodPost, "/api/embed", h.ollamaEmbed, ActServe},
		{http.MethodGet, "/v1/models", h.openaiModels, ActServe},
		{http.MethodPost, "/v1/chat/completions", h.openaiChat, ActServe},
		{http.MethodPost, "/v1/embeddings", h.openaiEmbeddings, ActServe},

		{http.MethodGet, "/api/jobs", h.apiJobsList, ActView},
		{http.MethodGet, "/api/jobs/:id", h.apiJobShow, ActView},
	}
}

// smallForm is the body limit of forms that carry no files.
const smallForm = 64 << 10

// bodyLimits caps request bodies per route, keyed "METHOD path" as in the route table; routes
// not listed take Options.MaxBodyBytes (uploads, the serving API). Add a line for a new form.
func bodyLimits() map[string]int64 {
	return map[string]int64{
		"POST /lang":            smallForm,
		"POST /login":           smallForm,
		"POST /logout":          smallForm,
		"POST /jobs/demo":       smallForm,
		"POST /jobs/:id/cancel": smallForm,

		"POST /documents/reindex":      smallForm,
		"POST /documents/:id/delete":   smallForm,
		"POST /compare/votes":          smallForm,
		"POST /adapters/:name/publish": smallForm,
	}
}

// routes registers the table, each route behind the check of its action.
func (h *Handler) routes(e *echo.Echo) {
	for _, r := range h.routeTable() {
		e.Add(r.method, r.path, r.handle, h.require(r.action))
	}
}
