"""City buildings (LoD1 footprints extruded by height, CityJSON LoD1/LoD2): one mesh per layer."""
