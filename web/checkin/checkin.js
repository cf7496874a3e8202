// The check-in page's one optional extra: where the browser allows it and
// the person ticks the box, fill the form's hidden lat/lon fields from the
// browser's geolocation. The page works the same without this script.
(function () {
	"use strict";
	var box = document.getElementById("share-location");
	var wrap = document.getElementById("location");
	var lat = document.getElementById("lat");
	var lon = document.getElementById("lon");
	var state = document.getElementById("location-state");
	if (!box || !wrap || !lat || !lon || !navigator.geolocation)
		return;
	wrap.hidden = false;
	box.addEventListener("change", function () {
		if (!box.checked) {
			lat.value = "";
			lon.value = "";
			state.hidden = true;
			return;
		}
		navigator.geolocation.getCurrentPosition(function (pos) {
			lat.value = pos.coords.latitude.toFixed(5);
			lon.value = pos.coords.longitude.toFixed(5);
			state.hidden = false;
		}, function () {
			box.checked = false;
		}, { enableHighAccuracy: false, timeout: 15000, maximumAge: 300000 });
	});
})();
