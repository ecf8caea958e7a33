// Called from an async function so overload resolution picks AsyncParsableCommand's main;
// from top-level code it picks ParsableCommand's synchronous one, which only prints help.
func runRefStore() async {
    await RefStoreCommand.main()
}

await runRefStore()
