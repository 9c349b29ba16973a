/** HTTP routes of the geo services: thin handlers, one service call each. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '../../../contracts/common.schemas.ts';
import { presentAddress } from './geo.presenter.ts';
import {
  EtasBody,
  EtasResponse,
  FeatureCollection,
  GeocodeResponse,
  LayerParams,
  LayerQuery,
  PointQuery,
  ResolveResponse,
  ReverseResponse,
  RouteQuery,
  RouteResponse,
  SearchResponse,
  TextQuery,
} from './geo.schemas.ts';
import {
  etas,
  geocode,
  jurisdictionsLayer,
  resolvePoint,
  reverseGeocode,
  roadsLayer,
  routeBetween,
  search,
  stationsLayer,
  unitsLayer,
  waterLayer,
} from './geo.service.ts';

const tags = ['geo'];

export const geoRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/geo/layers/:layer',
    {
      schema: {
        tags,
        summary:
          'A map layer as GeoJSON: roads (bbox, minClass), water, jurisdictions in your scope (level), stations, units you may see',
        params: LayerParams,
        querystring: LayerQuery,
        response: { 200: FeatureCollection, ...errorResponses(401, 403, 503) },
      },
    },
    async (request) => {
      const { layer } = request.params;
      const q = request.query;
      const features =
        layer === 'roads'
          ? await roadsLayer(request.ctx, { bbox: q.bbox, minClass: q.minClass })
          : layer === 'water'
            ? await waterLayer(request.ctx)
            : layer === 'jurisdictions'
              ? await jurisdictionsLayer(request.ctx, { level: q.level })
              : layer === 'units'
                ? await unitsLayer(request.ctx)
                : await stationsLayer(request.ctx);
      return { type: 'FeatureCollection' as const, features };
    },
  );

  app.get(
    '/api/geo/resolve',
    {
      schema: {
        tags,
        summary: 'The grid, community, station, county and city containing a point',
        querystring: PointQuery,
        response: { 200: ResolveResponse, ...errorResponses(401, 403, 503) },
      },
    },
    async (request) => {
      const r = await resolvePoint(request.ctx, request.query.lon, request.query.lat);
      const at = (level: string) => r.chain.find((j) => j.level === level);
      return {
        lon: r.lon,
        lat: r.lat,
        grid: r.chain[0]!,
        community: at('community'),
        station: at('station'),
        county: at('county'),
        city: at('city'),
        province: at('province'),
      };
    },
  );

  app.get(
    '/api/geo/geocode',
    {
      schema: {
        tags,
        summary: 'Standard address text → coordinates and the address record (partial matches ranked)',
        querystring: TextQuery,
        response: { 200: GeocodeResponse, ...errorResponses(401, 403, 404, 503) },
      },
    },
    async (request) => {
      const r = await geocode(request.ctx, request.query.q);
      return {
        query: request.query.q,
        location: [r.best.address.lon, r.best.address.lat],
        exact: r.exact,
        address: presentAddress(r.best.address),
        score: r.best.score,
        unit: r.unit,
        room: r.room,
        alternatives: r.alternatives.map((m) => ({ address: presentAddress(m.address), score: m.score })),
      };
    },
  );

  app.get(
    '/api/geo/reverse',
    {
      schema: {
        tags,
        summary: 'The nearest standard address to a point',
        querystring: PointQuery,
        response: { 200: ReverseResponse, ...errorResponses(401, 403, 404, 503) },
      },
    },
    async (request) => {
      const r = await reverseGeocode(request.ctx, request.query.lon, request.query.lat);
      return { address: presentAddress(r.address), distanceM: Math.round(r.distanceM * 10) / 10 };
    },
  );

  app.get(
    '/api/geo/search',
    {
      schema: {
        tags,
        summary: "The console's search box: addresses and police stations by name, best first",
        querystring: TextQuery,
        response: { 200: SearchResponse, ...errorResponses(401, 403, 503) },
      },
    },
    async (request) => ({
      items: (await search(request.ctx, request.query.q, request.query.limit ?? 10)).map((h) => ({
        type: h.type,
        id: h.id,
        label: h.label,
        location: [h.lon, h.lat],
        score: h.score,
      })),
    }),
  );

  app.get(
    '/api/geo/route',
    {
      schema: {
        tags,
        summary: 'The fastest driving route between two points as a GeoJSON LineString with its duration',
        querystring: RouteQuery,
        response: { 200: RouteResponse, ...errorResponses(401, 403, 404, 422, 503) },
      },
    },
    async (request) => {
      const r = await routeBetween(request.ctx, request.query.from, request.query.to, request.query.departAt);
      return {
        type: 'Feature' as const,
        geometry: r.geometry,
        properties: {
          distanceM: Math.round(r.properties.distanceM * 10) / 10,
          durationSec: Math.round(r.properties.durationSec * 10) / 10,
        },
      };
    },
  );

  app.post(
    '/api/geo/etas',
    {
      schema: {
        tags,
        summary: 'Driving time from every source to one target, from one reverse search (read-only)',
        body: EtasBody,
        response: { 200: EtasResponse, ...errorResponses(401, 403, 422, 503) },
      },
    },
    async (request) => etas(request.ctx, request.body),
  );
};
