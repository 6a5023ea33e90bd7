package handlers

import "tutor/store"

// Action is something a route lets a caller do; roles are granted actions in one table.
type Action string

// Actions. Add one when a capability needs its own permission, and grant it below.
const (
	ActPublic          Action = ""                 // no sign-in needed
	ActView            Action = "view"             // read every page
	ActCompare         Action = "compare"          // ask the variants and vote
	ActUpload          Action = "documents.upload" // add documents and curate the training set
	ActDeleteDocuments Action = "documents.delete" // remove documents
	ActTrain           Action = "train"            // start, stop and publish training
	ActEvaluate        Action = "evaluate"         // run evaluation suites
	ActModels          Action = "models"           // add and remove models and adapters
	ActRunJobs         Action = "jobs.run"         // start the self-test job, cancel jobs
	ActServe           Action = "serve"            // call the serving API (chat, generate, embed)
	ActAdmin           Action = "admin"            // manage users and API keys
)

// roleToken is the role of whoever holds the shared access token: everything.
const roleToken = "token"

// grants is the one table of who may do what. Managers compare and vote but cannot train or
// delete documents; engineers run evaluations.
var grants = map[string][]Action{
	string(store.RoleTrainer):  {ActView, ActCompare, ActUpload, ActDeleteDocuments, ActTrain, ActModels, ActRunJobs, ActServe},
	string(store.RoleManager):  {ActView, ActCompare, ActServe},
	string(store.RoleEngineer): {ActView, ActCompare, ActEvaluate, ActModels, ActRunJobs, ActServe},
	string(store.RoleAdmin):    {ActView, ActCompare, ActUpload, ActDeleteDocuments, ActTrain, ActEvaluate, ActModels, ActRunJobs, ActServe, ActAdmin},
	roleToken:                  {ActView, ActCompare, ActUpload, ActDeleteDocuments, ActTrain, ActEvaluate, ActModels, ActRunJobs, ActServe, ActAdmin},
}

// Allowed reports whether role may perform a.
func Allowed(role string, a Action) bool {
	if a == ActPublic {
		return true
	}
	for _, g := range grants[role] {
		if g == a {
			return true
		}
	}
	return false
}
