/** The app's jsonData (the app has no backend and no secrets). */
export interface AppSettings {
  /**
   * The Kamiwaza Logs data source the app's pages use when several exist; empty means the first
   * one Grafana lists.
   */
  logsDatasourceUid?: string;
}
