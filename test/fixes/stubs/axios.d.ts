declare module 'axios' {
  export type AxiosHeaderValue = string | string[] | number | boolean | null;
  export type RawAxiosRequestHeaders = Partial<Record<string, AxiosHeaderValue>>;
  export interface AxiosRequestConfig<D = any> { url?: string; method?: string; baseURL?: string; headers?: RawAxiosRequestHeaders; timeout?: number; data?: D; }
  export interface AxiosResponse<T = any> { data: T; status: number; }
  export interface AxiosInstance {
    get<T = any>(url: string, config?: AxiosRequestConfig): Promise<AxiosResponse<T>>;
    delete<T = any>(url: string, config?: AxiosRequestConfig): Promise<AxiosResponse<T>>;
    post<T = any>(url: string, data?: any, config?: AxiosRequestConfig): Promise<AxiosResponse<T>>;
    put<T = any>(url: string, data?: any, config?: AxiosRequestConfig): Promise<AxiosResponse<T>>;
    patch<T = any>(url: string, data?: any, config?: AxiosRequestConfig): Promise<AxiosResponse<T>>;
  }
  interface AxiosStatic extends AxiosInstance { create(config?: AxiosRequestConfig): AxiosInstance; }
  const axios: AxiosStatic;
  export default axios;
}
