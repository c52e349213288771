/**
 * The environment of a data source service or instance under test: its block index kept in
 * memory. An environment without GF_PATHS_DATA and HOME would have it saved in the user's ~/.cache.
 */
export const SERVICE_TEST_ENV = { KAMIWAZA_LOGS_INDEX_DIR: 'off' } as const;
